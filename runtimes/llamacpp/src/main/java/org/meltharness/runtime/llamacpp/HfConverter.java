package org.meltharness.runtime.llamacpp;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.meltharness.HarnessException;

/**
 * Converts a Hugging Face Llama-family folder (Llama 1-3, Mistral, Qwen2; tied or untied embeddings)
 * to GGUF as llama.cpp's {@code convert_hf_to_gguf.py} does: tensor names mapped, q/k rows of
 * {@code llama} models permuted back from Hugging Face's rotate-half order to llama.cpp's
 * interleaved RoPE order, vectors kept F32 and matrices written as F32, F16 or BF16, Llama 3 RoPE
 * scaling as a {@code rope_freqs} tensor, and the tokenizer carried over ({@link Vocabulary}).
 */
final class HfConverter {
    private static final int ROW_BUFFER = 1 << 20;

    private HfConverter() {}

    /** What was written. */
    record Result(Path file, String architecture, int tensors, long bytes, Vocabulary vocabulary) {}

    /** A tensor to write: its GGUF name and shape and where its rows come from. */
    private record Planned(String name, long[] ne, GgmlType type, Safetensors.Tensor source, int[] rowOrder, float[] values) {}

    static Result convert(LlamaCpp lib, Path dir, Path out, GgmlType dtype) {
        if (dtype != GgmlType.F32 && dtype != GgmlType.F16 && dtype != GgmlType.BF16) {
            throw HarnessException.usage("convert writes f32, f16 or bf16 (quantise the result with harness quantize)");
        }
        JsonNode c = Vocabulary.readJson(dir.resolve("config.json"));
        if (c.isEmpty()) throw HarnessException.badData(dir + " has no config.json");
        String modelType = c.path("model_type").asText("");
        String arch = switch (modelType) {
            case "llama", "mistral" -> "llama";
            case "qwen2" -> "qwen2";
            default -> throw HarnessException.unsupportedModel("convert knows the llama, mistral and qwen2 model types, not '"
                    + modelType + "' (" + dir + ")");
        };
        int hidden = need(c, "hidden_size", dir);
        int layers = need(c, "num_hidden_layers", dir);
        int heads = need(c, "num_attention_heads", dir);
        int kvHeads = c.path("num_key_value_heads").asInt(heads);
        int vocabSize = need(c, "vocab_size", dir);
        int headDim = c.path("head_dim").asInt(hidden / heads);
        boolean permute = arch.equals("llama");
        Vocabulary vocab = Vocabulary.read(dir, vocabSize);

        try (Safetensors st = Safetensors.open(dir); GgufWriter w = new GgufWriter(lib)) {
            w.putString("general.architecture", arch);
            w.putString("general.type", "model");
            w.putString("general.name", dir.getFileName().toString());
            w.putU32(arch + ".block_count", layers);
            w.putU32(arch + ".context_length", c.path("max_position_embeddings").asLong(2048));
            w.putU32(arch + ".embedding_length", hidden);
            w.putU32(arch + ".feed_forward_length", need(c, "intermediate_size", dir));
            w.putU32(arch + ".attention.head_count", heads);
            w.putU32(arch + ".attention.head_count_kv", kvHeads);
            w.putF32(arch + ".rope.freq_base", c.path("rope_theta").asDouble(10000.0));
            w.putF32(arch + ".attention.layer_norm_rms_epsilon", c.path("rms_norm_eps").asDouble(1e-6));
            if (headDim != hidden / heads) {
                w.putU32(arch + ".attention.key_length", headDim);
                w.putU32(arch + ".attention.value_length", headDim);
            }
            w.putU32(arch + ".vocab_size", vocab.tokens().size());
            w.putU32(arch + ".rope.dimension_count", headDim);
            float[] ropeFreqs = ropeScaling(c, arch, headDim, w, dir);
            w.putU32("general.file_type", dtype == GgmlType.F32 ? 0 : dtype == GgmlType.F16 ? 1 : 32);
            w.putU32("general.quantization_version", 2);
            vocab.writeTo(w);

            List<Planned> plan = plan(st, c, arch, layers, heads, kvHeads, headDim, permute, dtype, dir);
            if (ropeFreqs != null) {
                plan.add(new Planned("rope_freqs.weight", new long[] {ropeFreqs.length}, GgmlType.F32, null, null, ropeFreqs));
            }
            long bytes = 0;
            for (Planned p : plan) {
                w.addTensor(p.name(), p.type(), p.ne(), out2 -> writeTensor(p, out2));
                long rows = p.ne().length > 1 ? p.ne()[1] : 1;
                bytes += p.type().rowBytes(p.ne()[0]) * rows;
            }
            w.write(out);
            return new Result(out, arch, plan.size(), bytes, vocab);
        }
    }

    private static List<Planned> plan(Safetensors st, JsonNode c, String arch, int layers, int heads, int kvHeads,
            int headDim, boolean permute, GgmlType dtype, Path dir) {
        Set<String> used = new LinkedHashSet<>();
        List<Planned> plan = new ArrayList<>();
        boolean tied = c.path("tie_word_embeddings").asBoolean(false);
        add(plan, used, st, "model.embed_tokens.weight", "token_embd.weight", dtype, null, true);
        for (int l = 0; l < layers; l++) {
            String p = "model.layers." + l + ".";
            String b = "blk." + l + ".";
            add(plan, used, st, p + "input_layernorm.weight", b + "attn_norm.weight", dtype, null, true);
            add(plan, used, st, p + "self_attn.q_proj.weight", b + "attn_q.weight", dtype,
                    permute ? ropeOrder(heads, headDim) : null, true);
            add(plan, used, st, p + "self_attn.q_proj.bias", b + "attn_q.bias", dtype, null, false);
            add(plan, used, st, p + "self_attn.k_proj.weight", b + "attn_k.weight", dtype,
                    permute ? ropeOrder(kvHeads, headDim) : null, true);
            add(plan, used, st, p + "self_attn.k_proj.bias", b + "attn_k.bias", dtype, null, false);
            add(plan, used, st, p + "self_attn.v_proj.weight", b + "attn_v.weight", dtype, null, true);
            add(plan, used, st, p + "self_attn.v_proj.bias", b + "attn_v.bias", dtype, null, false);
            add(plan, used, st, p + "self_attn.o_proj.weight", b + "attn_output.weight", dtype, null, true);
            add(plan, used, st, p + "post_attention_layernorm.weight", b + "ffn_norm.weight", dtype, null, true);
            add(plan, used, st, p + "mlp.gate_proj.weight", b + "ffn_gate.weight", dtype, null, true);
            add(plan, used, st, p + "mlp.down_proj.weight", b + "ffn_down.weight", dtype, null, true);
            add(plan, used, st, p + "mlp.up_proj.weight", b + "ffn_up.weight", dtype, null, true);
        }
        add(plan, used, st, "model.norm.weight", "output_norm.weight", dtype, null, true);
        if (!tied) add(plan, used, st, "lm_head.weight", "output.weight", dtype, null, true);
        else used.add("lm_head.weight");
        for (String name : st.tensors().keySet()) {
            if (!used.contains(name) && !name.endsWith("rotary_emb.inv_freq")) {
                throw HarnessException.unsupportedModel(dir + ": tensor " + name + " has no place in a GGUF " + arch
                        + " model; convert cannot carry it over");
            }
        }
        return plan;
    }

    private static void add(List<Planned> plan, Set<String> used, Safetensors st, String hf, String gguf, GgmlType dtype,
            int[] rowOrder, boolean required) {
        used.add(hf);
        Safetensors.Tensor t = st.get(hf);
        if (t == null) {
            if (required) throw HarnessException.badData("the safetensors files lack " + hf);
            return;
        }
        long[] ne = new long[t.shape().length];
        for (int i = 0; i < ne.length; i++) ne[i] = t.shape()[ne.length - 1 - i];
        // As convert_hf_to_gguf.py: vectors (norms, biases) stay F32, matrices take the asked type.
        GgmlType type = ne.length == 1 ? GgmlType.F32 : dtype;
        if (rowOrder != null && rowOrder.length != t.rows()) {
            throw HarnessException.badData(hf + " has " + t.rows() + " rows, not " + rowOrder.length);
        }
        plan.add(new Planned(gguf, ne, type, t, rowOrder, null));
    }

    /**
     * Output row i takes input row {@code order[i]}: convert_hf_to_gguf.py's {@code permute},
     * {@code w.reshape(n_head, 2, head_dim/2, n).swapaxes(1, 2)}, for Hugging Face's rotate-half layout.
     */
    static int[] ropeOrder(int heads, int headDim) {
        int half = headDim / 2;
        int[] order = new int[heads * headDim];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < half; i++) {
                for (int j = 0; j < 2; j++) order[h * headDim + i * 2 + j] = h * headDim + j * half + i;
            }
        }
        return order;
    }

    private static void writeTensor(Planned p, WritableByteChannel out) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(ROW_BUFFER).order(ByteOrder.LITTLE_ENDIAN);
        if (p.values() != null) {
            for (float v : p.values()) buf.putFloat(v);
            GgufWriter.writeFully(out, buf.flip());
            return;
        }
        Safetensors.Tensor t = p.source();
        int n = (int) t.rowLength();
        int bytesPerValue = p.type() == GgmlType.F32 ? 4 : 2;
        if ((long) n * bytesPerValue > ROW_BUFFER) buf = ByteBuffer.allocate(n * bytesPerValue).order(ByteOrder.LITTLE_ENDIAN);
        float[] row = new float[n];
        long rows = t.rows();
        for (long r = 0; r < rows; r++) {
            t.row(p.rowOrder() == null ? r : p.rowOrder()[(int) r], row);
            if (buf.remaining() < n * bytesPerValue) {
                GgufWriter.writeFully(out, buf.flip());
                buf.clear();
            }
            switch (p.type()) {
                case F32 -> {
                    for (float v : row) buf.putFloat(v);
                }
                case F16 -> {
                    for (float v : row) buf.putShort(Float.floatToFloat16(v));
                }
                case BF16 -> {
                    for (float v : row) buf.putShort(toBf16(v));
                }
                default -> throw new IllegalStateException(p.type().toString());
            }
        }
        GgufWriter.writeFully(out, buf.flip());
    }

    /** gguf-py's float32 to bfloat16: NaN made quiet, otherwise rounded to nearest even. */
    static short toBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7fffffff) > 0x7f800000) return (short) (((bits & 0xffff0000) | (64 << 16)) >>> 16);
        return (short) ((bits + (0x7fff + ((bits >>> 16) & 1))) >>> 16);
    }

    /** Writes RoPE scaling metadata; returns Llama 3's per-dimension factors, which travel as a tensor. */
    private static float[] ropeScaling(JsonNode c, String arch, int headDim, GgufWriter w, Path dir) {
        JsonNode rs = c.path("rope_scaling");
        if (rs.isMissingNode() || rs.isNull()) return null;
        String type = rs.path("rope_type").asText(rs.path("type").asText(""));
        switch (type) {
            case "linear" -> {
                w.putString(arch + ".rope.scaling.type", "linear");
                w.putF32(arch + ".rope.scaling.factor", rs.path("factor").asDouble());
                return null;
            }
            case "llama3" -> {
                double base = c.path("rope_theta").asDouble(10000.0);
                double factor = rs.path("factor").asDouble(8.0);
                double low = rs.path("low_freq_factor").asDouble(1.0);
                double high = rs.path("high_freq_factor").asDouble(4.0);
                double old = rs.path("original_max_position_embeddings").asDouble(8192);
                double lowWavelen = old / low;
                double highWavelen = old / high;
                float[] factors = new float[headDim / 2];
                for (int i = 0; i < factors.length; i++) {
                    float freq = (float) (1.0 / Math.pow(base, (float) (2 * i) / headDim));
                    double wavelen = 2 * Math.PI / freq;
                    if (wavelen < highWavelen) factors[i] = 1f;
                    else if (wavelen > lowWavelen) factors[i] = (float) factor;
                    else {
                        double smooth = (old / wavelen - low) / (high - low);
                        factors[i] = (float) (1 / ((1 - smooth) / factor + smooth));
                    }
                }
                return factors;
            }
            case "default", "" -> {
                return null;
            }
            default -> throw HarnessException.unsupportedModel(dir + " uses RoPE scaling '" + type
                    + "'; convert carries over linear and llama3 scaling only");
        }
    }

    private static int need(JsonNode c, String key, Path dir) {
        if (!c.path(key).canConvertToInt()) throw HarnessException.badData(dir.resolve("config.json") + " lacks " + key);
        return c.path(key).asInt();
    }

    /** Key facts of a converted or given GGUF for the record. */
    static Map<String, Object> describe(Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("architecture", r.architecture());
        m.put("tensors", r.tensors());
        m.put("tensorBytes", r.bytes());
        m.put("vocabulary", r.vocabulary().model() + (r.vocabulary().pre() == null ? "" : "/" + r.vocabulary().pre()));
        return m;
    }

    /** Whether convert writes a GGUF for config.json's {@code model_type}. */
    static boolean converts(String modelType) {
        return java.util.Set.of("llama", "mistral", "qwen2").contains(modelType);
    }

    static boolean isHfFolder(Path dir) {
        return Files.isRegularFile(dir.resolve("config.json"));
    }
}
