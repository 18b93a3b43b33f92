package org.meltharness.runtime.llamacpp;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which ggml type each tensor gets in a quantisation, by llama.cpp's rules
 * ({@code llama_tensor_get_type} and {@code llama_model_quantize_impl} in {@code src/llama-quant.cpp}):
 * only 2-D weights that are not norms are quantised; the output projection (or the token embedding
 * when it doubles as one) takes Q6_K; the K-quant mixes give some {@code attn_v}, {@code ffn_down} and
 * {@code attn_output} tensors more bits by layer ({@code use_more_bits}); tensors are visited in
 * llama.cpp's order (non-layer tensors, then layer by layer, by name) because the layer counters
 * depend on it. A tensor whose rows are not whole blocks of its type falls back as llama.cpp 0.5.0's
 * {@code tensor_type_fallback} does: Q2_K/Q3_K to Q4_0 (b4916 chose IQ4_NL), Q4_K to Q5_0, Q5_K to
 * Q5_1, Q6_K to Q8_0, the IQ types to IQ4_NL, and to F16 when that does not fit either (a 32-block
 * type on rows of another width goes to F16 directly). {@code QuantizeMatchesLibraryTest} pins the
 * result against the library's own {@code llama_model_quantize}.
 */
final class QuantRules {
    private QuantRules() {}

    /** One tensor's decision. */
    record Decision(String name, GgmlType from, GgmlType to, String fallback) {}

    /** The model facts the rules read. */
    record Model(int layers, int heads, int kvHeads, boolean hasOutput, boolean seventyB) {
        int gqa() {
            return kvHeads == 0 ? 1 : heads / kvHeads;
        }
    }

    /** Decides every tensor of {@code tensors} (in file order) for scheme {@code q}. */
    static Map<String, Decision> decide(List<GgufFile.Tensor> tensors, Quantization q, boolean pure, Model m) {
        List<GgufFile.Tensor> order = new ArrayList<>(tensors);
        order.sort(Comparator.comparingInt((GgufFile.Tensor t) -> layerOf(t.name())).thenComparing(GgufFile.Tensor::name));
        int attnV = 0;
        for (GgufFile.Tensor t : tensors) {
            if (t.name().contains("attn_v.weight") || t.name().contains("attn_qkv.weight")) attnV++;
        }
        Counters c = new Counters(attnV, m.layers());
        Map<String, Decision> out = new LinkedHashMap<>();
        for (GgufFile.Tensor t : order) {
            GgmlType to = t.type();
            String fallback = null;
            if (quantizable(t)) {
                to = q.defaultType;
                if (!pure && q.quantized()) to = mix(t, to, q, m, c);
                if (t.shape()[0] % to.blockSize != 0) {
                    GgmlType wanted = to;
                    to = switch (to) {
                        case IQ2_XXS, IQ2_XS, IQ2_S, IQ3_XXS, IQ3_S, IQ1_S, IQ1_M, IQ4_XS -> GgmlType.IQ4_NL;
                        case Q2_K, Q3_K, TQ1_0, TQ2_0, Q2_0 -> GgmlType.Q4_0;
                        case Q4_K -> GgmlType.Q5_0;
                        case Q5_K -> GgmlType.Q5_1;
                        case Q6_K -> GgmlType.Q8_0;
                        default -> GgmlType.F16;
                    };
                    if (t.shape()[0] % to.blockSize != 0) to = GgmlType.F16;
                    fallback = wanted.ggmlName + " -> " + to.ggmlName + " (rows of " + t.shape()[0] + " are not whole blocks of "
                            + wanted.blockSize + ")";
                }
            }
            out.put(t.name(), new Decision(t.name(), t.type(), to, fallback));
        }
        Map<String, Decision> inFileOrder = new LinkedHashMap<>();
        for (GgufFile.Tensor t : tensors) inFileOrder.put(t.name(), out.get(t.name()));
        return inFileOrder;
    }

    /** llama.cpp's conditions for quantising a tensor at all. */
    static boolean quantizable(GgufFile.Tensor t) {
        String n = t.name();
        return n.endsWith("weight") && t.shape().length >= 2 && !n.contains("_norm.weight")
                && !n.contains("ffn_gate_inp.weight") && !n.equals("position_embd.weight") && !n.equals("token_types.weight")
                && !n.contains("ssm_conv1d.weight") && !n.contains("time_mix_first.weight") && !n.contains("time_mix_w1.weight")
                && !n.contains("time_mix_w2.weight") && !n.contains("time_mix_decay_w1.weight")
                && !n.contains("time_mix_decay_w2.weight") && !n.contains("time_mix_lerp_fused.weight")
                && !n.contains("attn_rel_b.weight");
    }

    private static final class Counters {
        final int nAttentionWv;
        final int nFfn;
        int iAttentionWv;
        int iFfnDown;

        Counters(int nAttentionWv, int nFfn) {
            this.nAttentionWv = nAttentionWv;
            this.nFfn = nFfn;
        }
    }

    /** {@code use_more_bits}: the first and last eighth of the layers and every third in between. */
    static boolean useMoreBits(int i, int n) {
        return i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2;
    }

    private static GgmlType mix(GgufFile.Tensor t, GgmlType type, Quantization q, Model m, Counters c) {
        String name = t.name();
        if (name.equals("output.weight") || (!m.hasOutput() && name.equals("token_embd.weight"))) {
            if (t.shape()[0] % type.blockSize != 0) return GgmlType.Q8_0;
            return type != GgmlType.Q8_0 ? GgmlType.Q6_K : type;
        }
        if (name.equals("token_embd.weight")) return type;
        if (name.contains("attn_v.weight")) {
            GgmlType to = switch (q) {
                case Q2_K -> m.gqa() >= 4 ? GgmlType.Q4_K : GgmlType.Q3_K;
                case Q3_K_M -> c.iAttentionWv < 2 ? GgmlType.Q5_K : GgmlType.Q4_K;
                case Q3_K_L -> GgmlType.Q5_K;
                case Q4_K_M, Q5_K_M -> useMoreBits(c.iAttentionWv, c.nAttentionWv) ? GgmlType.Q6_K : type;
                case Q4_K_S -> c.iAttentionWv < 4 ? GgmlType.Q5_K : type;
                default -> type;
            };
            if (m.seventyB() && (to == GgmlType.Q3_K || to == GgmlType.Q4_K)) to = GgmlType.Q5_K;
            c.iAttentionWv++;
            return to;
        }
        if (name.contains("ffn_down")) {
            int i = c.iFfnDown++;
            int n = c.nFfn;
            return switch (q) {
                case Q2_K -> GgmlType.Q3_K;
                case Q3_K_M -> i < n / 16 ? GgmlType.Q5_K : GgmlType.Q4_K;
                case Q3_K_L -> GgmlType.Q5_K;
                case Q4_K_M, Q5_K_M -> useMoreBits(i, n) ? GgmlType.Q6_K : type;
                case Q4_K_S -> i < n / 8 ? GgmlType.Q5_K : type;
                default -> type;
            };
        }
        if (name.contains("attn_output.weight")) {
            return switch (q) {
                case Q2_K -> GgmlType.Q3_K;
                case Q3_K_M -> GgmlType.Q4_K;
                case Q3_K_L -> GgmlType.Q5_K;
                default -> type;
            };
        }
        if (name.contains("attn_qkv.weight")) {
            return switch (q) {
                case Q3_K_M, Q3_K_L -> GgmlType.Q4_K;
                case Q4_K_M -> GgmlType.Q5_K;
                case Q5_K_M -> GgmlType.Q6_K;
                default -> type;
            };
        }
        return type;
    }

    /** The layer a tensor belongs to ({@code blk.N.}), or -1: llama.cpp's {@code weight_name_comparer}. */
    static int layerOf(String name) {
        if (!name.startsWith("blk.")) return -1;
        int dot = name.indexOf('.', 4);
        try {
            return Integer.parseInt(name.substring(4, dot));
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
