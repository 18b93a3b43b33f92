package org.meltharness.runtime.djl;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.meltharness.SharedFiles;
import org.meltharness.model.SafetensorsWriter;

/**
 * Small random Llama-family models written for one test: every architecture switch of
 * {@link LlamaConfig} on a model small enough for {@link ReferenceLlama}. Tokenizer files are
 * stories260K's (vocabulary 512), so the folders also open as whole runtimes.
 */
final class TinyModels {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TinyModels() {}

    /** A config of 2 layers, hidden 32, 4 query heads over 2 key/value heads of 8, vocabulary 512. */
    static ObjectNode config(String type) {
        ObjectNode c = JSON.createObjectNode();
        c.put("model_type", type);
        c.put("hidden_size", 32);
        c.put("intermediate_size", 48);
        c.put("num_hidden_layers", 2);
        c.put("num_attention_heads", 4);
        c.put("num_key_value_heads", 2);
        c.put("head_dim", 8);
        c.put("vocab_size", 512);
        c.put("max_position_embeddings", 64);
        c.put("rms_norm_eps", 1e-5);
        c.put("rope_theta", 10000.0);
        c.put("tie_word_embeddings", true);
        c.put("bos_token_id", 1);
        c.put("eos_token_id", 2);
        return c;
    }

    /** Random tensors for {@code config}: matrices and biases normal(0, 0.2), norm weights near 1. */
    static Map<String, float[]> weights(ObjectNode c, long seed, Map<String, long[]> shapes) {
        int h = c.get("hidden_size").asInt();
        int inter = c.get("intermediate_size").asInt();
        int heads = c.get("num_attention_heads").asInt();
        int kv = c.get("num_key_value_heads").asInt();
        int d = c.get("head_dim").asInt();
        int vocab = c.get("vocab_size").asInt();
        boolean bias = c.get("model_type").asText().equals("qwen2");
        shapes.put("model.embed_tokens.weight", new long[] {vocab, h});
        for (int l = 0; l < c.get("num_hidden_layers").asInt(); l++) {
            String p = "model.layers." + l + ".";
            shapes.put(p + "input_layernorm.weight", new long[] {h});
            shapes.put(p + "self_attn.q_proj.weight", new long[] {heads * d, h});
            shapes.put(p + "self_attn.k_proj.weight", new long[] {kv * d, h});
            shapes.put(p + "self_attn.v_proj.weight", new long[] {kv * d, h});
            if (bias) {
                shapes.put(p + "self_attn.q_proj.bias", new long[] {heads * d});
                shapes.put(p + "self_attn.k_proj.bias", new long[] {kv * d});
                shapes.put(p + "self_attn.v_proj.bias", new long[] {kv * d});
            }
            shapes.put(p + "self_attn.o_proj.weight", new long[] {h, heads * d});
            shapes.put(p + "post_attention_layernorm.weight", new long[] {h});
            shapes.put(p + "mlp.gate_proj.weight", new long[] {inter, h});
            shapes.put(p + "mlp.up_proj.weight", new long[] {inter, h});
            shapes.put(p + "mlp.down_proj.weight", new long[] {h, inter});
        }
        shapes.put("model.norm.weight", new long[] {h});
        if (!c.get("tie_word_embeddings").asBoolean()) shapes.put("lm_head.weight", new long[] {vocab, h});
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, float[]> out = new LinkedHashMap<>();
        shapes.forEach((name, shape) -> {
            long n = 1;
            for (long s : shape) n *= s;
            float[] v = new float[(int) n];
            boolean norm = name.endsWith("norm.weight");
            for (int i = 0; i < v.length; i++) v[i] = (float) (norm ? 1 + 0.1 * r.nextGaussian() : 0.2 * r.nextGaussian());
            out.put(name, v);
        });
        return out;
    }

    /** Writes a model folder: config (edited), stories260K's tokenizer files, and weights in {@code dtype} (F32, BF16, F16). */
    static Path write(Path dir, String type, Consumer<ObjectNode> edit, String dtype, long seed) {
        ObjectNode c = config(type);
        edit.accept(c);
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Map<String, float[]> tensors = weights(c, seed, shapes);
        writeFolder(dir, c);
        writeTensors(dir.resolve("model.safetensors"), tensors, shapes, dtype);
        return dir;
    }

    static void writeFolder(Path dir, ObjectNode config) {
        try {
            Files.createDirectories(dir);
            JSON.writeValue(dir.resolve("config.json").toFile(), config);
            for (String f : List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")) {
                Path target = dir.resolve(f);
                Files.copy(SharedFiles.stories260k().resolve(f), target);
                target.toFile().setWritable(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void writeTensors(Path file, Map<String, float[]> tensors, Map<String, long[]> shapes, String dtype) {
        int width = dtype.equals("F32") ? 4 : 2;
        List<SafetensorsWriter.Entry> entries = new ArrayList<>();
        tensors.forEach((name, v) -> entries.add(new SafetensorsWriter.Entry(name, dtype, shapes.get(name),
                (long) v.length * width, out -> {
                    ByteBuffer b = ByteBuffer.allocate(v.length * width).order(ByteOrder.LITTLE_ENDIAN);
                    for (float f : v) {
                        switch (dtype) {
                            case "F32" -> b.putFloat(f);
                            case "BF16" -> b.putShort(toBf16(f));
                            case "F16" -> b.putShort(Float.floatToFloat16(f));
                            default -> throw new IllegalArgumentException(dtype);
                        }
                    }
                    SafetensorsWriter.writeFully(out, b.flip());
                })));
        SafetensorsWriter.write(file, entries);
    }

    /** Round to nearest even, as torch's float-to-bfloat16 conversion. */
    static short toBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
    }

    static float fromBf16(short s) {
        return Float.intBitsToFloat((s & 0xffff) << 16);
    }

    /**
     * Logits of the DJL model for {@code tokens}, run in consecutive pieces of the given sizes (so the
     * key/value cache carries state between them), every row.
     */
    static double[][] djlLogits(Path dir, int[] tokens, int... pieces) {
        DjlEngine.start(1);
        LlamaConfig c = LlamaConfig.read(dir);
        double[][] out = new double[tokens.length][];
        try (LlamaModel model = LlamaModel.load(Safetensors.open(dir), c);
                KvCache cache = model.newCache(c.maxPositions())) {
            int start = 0;
            for (int piece : pieces) {
                int from = start;
                model.forward(cache, java.util.Arrays.copyOfRange(tokens, start, start + piece), start, 0, (row, logits) -> {
                    double[] d = new double[logits.length];
                    for (int i = 0; i < d.length; i++) d[i] = logits[i];
                    out[from + row] = d;
                });
                start += piece;
            }
        }
        return out;
    }

    static double maxDifference(double[][] a, double[][] b) {
        double worst = 0;
        for (int p = 0; p < a.length; p++) {
            for (int i = 0; i < a[p].length; i++) worst = Math.max(worst, Math.abs(a[p][i] - b[p][i]));
        }
        return worst;
    }
}
