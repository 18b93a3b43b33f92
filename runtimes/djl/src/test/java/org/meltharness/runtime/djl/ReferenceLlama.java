package org.meltharness.runtime.djl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * An independent Llama-family forward pass in plain Java doubles, loop by loop as the papers and
 * transformers' modeling code describe it (no batching, no fused projections, no rotation matrix,
 * no cache): the reference the DJL model is checked against for architecture features that the
 * stories260K oracle does not cover (grouped-query attention, Qwen2 biases, untied heads, rope
 * scaling, sliding windows). Slow; for small models and short inputs.
 */
final class ReferenceLlama {
    private final LlamaConfig c;
    private final Map<String, float[]> w = new HashMap<>();
    private final double[] invFreq;

    ReferenceLlama(Path dir) {
        this.c = LlamaConfig.read(dir);
        Safetensors st = Safetensors.open(dir);
        for (Safetensors.Tensor t : st.tensors().values()) {
            ByteBuffer b = ByteBuffer.allocateDirect(Math.toIntExact(t.elements() * 4)).order(ByteOrder.LITTLE_ENDIAN);
            st.readRows(t, 0, t.shape().length == 0 ? 1 : t.shape()[0], b);
            float[] v = new float[(int) t.elements()];
            b.rewind().asFloatBuffer().get(v);
            w.put(t.name(), v);
        }
        int half = c.headDim() / 2;
        invFreq = new double[half];
        for (int i = 0; i < half; i++) {
            double f = 1.0 / Math.pow(c.ropeTheta(), 2.0 * i / c.headDim());
            Rope.Scaling s = c.ropeScaling();
            if (s.type().equals("linear")) f /= s.factor();
            if (s.type().equals("llama3")) {
                double wavelen = 2 * Math.PI / f;
                double low = s.originalMaxPositions() / s.lowFreqFactor();
                double high = s.originalMaxPositions() / s.highFreqFactor();
                if (wavelen > low) {
                    f /= s.factor();
                } else if (wavelen >= high) {
                    double smooth = (s.originalMaxPositions() / wavelen - s.lowFreqFactor())
                            / (s.highFreqFactor() - s.lowFreqFactor());
                    f = (1 - smooth) * f / s.factor() + smooth * f;
                }
            }
            invFreq[i] = f;
        }
    }

    /** Logits at every position of {@code tokens} (run from position 0). */
    double[][] logits(int[] tokens) {
        return logits(tokens, 0);
    }

    /** Logits at positions {@code firstRow..} of {@code tokens} (null before it: the output head is skipped there). */
    double[][] logits(int[] tokens, int firstRow) {
        int n = tokens.length;
        int h = c.hidden();
        int d = c.headDim();
        int heads = c.heads();
        int kvHeads = c.kvHeads();
        double[][] x = new double[n][];
        float[] embed = w.get("model.embed_tokens.weight");
        for (int p = 0; p < n; p++) {
            x[p] = new double[h];
            for (int i = 0; i < h; i++) x[p][i] = embed[tokens[p] * h + i];
        }
        for (int l = 0; l < c.layers(); l++) {
            String pre = "model.layers." + l + ".";
            double[][] q = new double[n][];
            double[][] k = new double[n][];
            double[][] v = new double[n][];
            for (int p = 0; p < n; p++) {
                double[] hn = rmsNorm(x[p], w.get(pre + "input_layernorm.weight"));
                q[p] = project(hn, pre + "self_attn.q_proj", heads * d);
                k[p] = project(hn, pre + "self_attn.k_proj", kvHeads * d);
                v[p] = project(hn, pre + "self_attn.v_proj", kvHeads * d);
                rotate(q[p], heads, p);
                rotate(k[p], kvHeads, p);
            }
            for (int p = 0; p < n; p++) {
                double[] attended = new double[heads * d];
                for (int head = 0; head < heads; head++) {
                    int kvHead = head / (heads / kvHeads);
                    double[] scores = new double[p + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j <= p; j++) {
                        boolean visible = c.slidingWindow() <= 0 || p - j < c.slidingWindow();
                        double s = 0;
                        for (int i = 0; i < d; i++) s += q[p][head * d + i] * k[j][kvHead * d + i];
                        scores[j] = visible ? s / Math.sqrt(d) : Double.NEGATIVE_INFINITY;
                        max = Math.max(max, scores[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j <= p; j++) sum += scores[j] = Math.exp(scores[j] - max);
                    for (int j = 0; j <= p; j++) {
                        for (int i = 0; i < d; i++) attended[head * d + i] += scores[j] / sum * v[j][kvHead * d + i];
                    }
                }
                double[] o = project(attended, pre + "self_attn.o_proj", h);
                for (int i = 0; i < h; i++) x[p][i] += o[i];
                double[] hn = rmsNorm(x[p], w.get(pre + "post_attention_layernorm.weight"));
                double[] gate = project(hn, pre + "mlp.gate_proj", c.intermediate());
                double[] up = project(hn, pre + "mlp.up_proj", c.intermediate());
                for (int i = 0; i < gate.length; i++) gate[i] = gate[i] / (1 + Math.exp(-gate[i])) * up[i];
                double[] down = project(gate, pre + "mlp.down_proj", h);
                for (int i = 0; i < h; i++) x[p][i] += down[i];
            }
        }
        double[][] out = new double[n][];
        String head = c.tiedEmbeddings() ? "model.embed_tokens" : "lm_head";
        for (int p = firstRow; p < n; p++) out[p] = project(rmsNorm(x[p], w.get("model.norm.weight")), head, c.vocab());
        return out;
    }

    /** Log-probability of {@code target} under {@code logits}. */
    static double logProb(double[] logits, int target) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : logits) max = Math.max(max, v);
        double sum = 0;
        for (double v : logits) sum += Math.exp(v - max);
        return logits[target] - max - Math.log(sum);
    }

    static int argmax(double[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }

    private double[] rmsNorm(double[] x, float[] weight) {
        double ss = 0;
        for (double v : x) ss += v * v;
        double r = 1 / Math.sqrt(ss / x.length + c.rmsEps());
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = x[i] * r * weight[i];
        return out;
    }

    /** {@code W x (+ b)} for the linear layer {@code name} with {@code rows} outputs. */
    private double[] project(double[] x, String name, int rows) {
        float[] m = w.get(name + ".weight");
        float[] b = w.get(name + ".bias");
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double s = b == null ? 0 : b[r];
            for (int i = 0; i < x.length; i++) s += m[r * x.length + i] * x[i];
            out[r] = s;
        }
        return out;
    }

    /** Rotates each head's pairs (i, i + d/2) by position * inv_freq[i]. */
    private void rotate(double[] vec, int heads, int position) {
        int d = c.headDim();
        for (int head = 0; head < heads; head++) {
            for (int i = 0; i < d / 2; i++) {
                double angle = position * invFreq[i];
                double a = vec[head * d + i];
                double b = vec[head * d + i + d / 2];
                vec[head * d + i] = a * Math.cos(angle) - b * Math.sin(angle);
                vec[head * d + i + d / 2] = b * Math.cos(angle) + a * Math.sin(angle);
            }
        }
    }
}
