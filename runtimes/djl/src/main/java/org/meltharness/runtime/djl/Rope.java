package org.meltharness.runtime.djl;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.meltharness.HarnessException;

/**
 * Rotary position tables as Hugging Face transformers computes them ({@code modeling_rope_utils}):
 * inverse frequencies in float32, optionally rescaled (linear, or Llama 3's frequency-dependent
 * scaling), then {@code cos} and {@code sin} of {@code position * inv_freq} repeated over both
 * halves of the head (rotate-half order).
 */
final class Rope {
    private Rope() {}

    /**
     * {@code rope_scaling} from config.json.
     *
     * @param type default, linear or llama3
     */
    record Scaling(String type, double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions) {
        static final Scaling NONE = new Scaling("default", 1, 0, 0, 0);

        static Scaling read(JsonNode node, Path file) {
            if (node == null || node.isMissingNode() || node.isNull()) return NONE;
            String type = node.path("rope_type").asText(node.path("type").asText("default"));
            return switch (type) {
                case "default" -> NONE;
                case "linear" -> new Scaling(type, factor(node, file), 0, 0, 0);
                case "llama3" -> new Scaling(type, factor(node, file), node.path("low_freq_factor").asDouble(1),
                        node.path("high_freq_factor").asDouble(4),
                        node.path("original_max_position_embeddings").asInt(8192));
                default -> throw HarnessException.unsupportedModel("djl implements rope_scaling default, linear and llama3, "
                        + "not '" + type + "' (" + file + ")");
            };
        }

        private static double factor(JsonNode node, Path file) {
            double f = node.path("factor").asDouble(0);
            if (!(f > 0)) throw HarnessException.badData(file + ": rope_scaling needs a positive factor");
            return f;
        }

        @Override
        public String toString() {
            return switch (type) {
                case "linear" -> "linear x" + factor;
                case "llama3" -> "llama3 x" + factor + " (low " + lowFreqFactor + ", high " + highFreqFactor + ", original "
                        + originalMaxPositions + ")";
                default -> "none";
            };
        }
    }

    /** {@code 1 / theta^(2i/d)} for {@code i < d/2}, in float32 as transformers computes it, then scaled. */
    static float[] inverseFrequencies(int dim, double theta, Scaling scaling) {
        float[] inv = new float[dim / 2];
        for (int i = 0; i < inv.length; i++) {
            float exponent = (float) (2 * i) / dim;
            inv[i] = 1.0f / (float) Math.pow((float) theta, exponent);
        }
        switch (scaling.type()) {
            case "linear" -> {
                for (int i = 0; i < inv.length; i++) inv[i] = (float) (inv[i] / scaling.factor());
            }
            case "llama3" -> llama3(inv, scaling);
            default -> { }
        }
        return inv;
    }

    /** transformers' {@code _compute_llama3_parameters}. */
    private static void llama3(float[] inv, Scaling s) {
        double lowWavelen = s.originalMaxPositions() / s.lowFreqFactor();
        double highWavelen = s.originalMaxPositions() / s.highFreqFactor();
        for (int i = 0; i < inv.length; i++) {
            double f = inv[i];
            double wavelen = 2 * Math.PI / f;
            if (wavelen < highWavelen) continue;
            if (wavelen > lowWavelen) {
                inv[i] = (float) (f / s.factor());
            } else {
                double smooth = (s.originalMaxPositions() / wavelen - s.lowFreqFactor())
                        / (s.highFreqFactor() - s.lowFreqFactor());
                inv[i] = (float) ((1 - smooth) * f / s.factor() + smooth * f);
            }
        }
    }

    /**
     * {@code cos} (or {@code sin}) of each position from {@code from} (inclusive) to {@code to}, row-major
     * {@code [to - from, dim]}: both halves of a row hold the same {@code dim/2} angles.
     */
    static float[] table(float[] inv, int from, int to, boolean sin) {
        int dim = inv.length * 2;
        float[] out = new float[(to - from) * dim];
        for (int p = from; p < to; p++) {
            int row = (p - from) * dim;
            for (int i = 0; i < inv.length; i++) {
                float angle = (float) p * inv[i]; // a float32 product, as transformers' matmul
                float v = (float) (sin ? Math.sin(angle) : Math.cos(angle));
                out[row + i] = v;
                out[row + i + inv.length] = v;
            }
        }
        return out;
    }
}
