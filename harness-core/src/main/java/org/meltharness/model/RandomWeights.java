package org.meltharness.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.meltharness.HarnessException;
import org.meltharness.io.AtomicFiles;
import org.meltharness.io.Hashing;

/**
 * Seeded random weights for a model shape we have no weights for (a folder with
 * {@code config.json} and the tokenizer files), written once as an ordinary Hugging Face
 * safetensors folder in the cache, so every runtime loads the same weights for the same seed.
 * Speed and memory do not depend on weight values (vLLM's "dummy" load format).
 *
 * <p>Llama-family layout (llama, mistral, qwen2): normal(0, initializer_range) matrices, unit
 * norm weights, zero biases; each tensor drawn from its own generator seeded by (seed, name), so
 * a tensor's values do not depend on the order tensors are written in.
 */
public final class RandomWeights {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TYPES = List.of("llama", "mistral", "qwen2");
    private static final List<String> COPIED = List.of("config.json", "tokenizer.json", "tokenizer_config.json",
            "special_tokens_map.json", "generation_config.json", "tokenizer.model");

    private RandomWeights() {}

    /** One tensor of the layout. */
    record Tensor(String name, long[] shape, Kind kind) {
        long elements() {
            long n = 1;
            for (long d : shape) n *= d;
            return n;
        }
    }

    /** How a tensor is filled. */
    enum Kind {
        MATRIX,
        ONES,
        ZEROS
    }

    /**
     * The folder with random weights for {@code shape} and {@code seed}, created in
     * {@code <cacheDir>/random/} on first use.
     */
    public static Path materialize(Path shape, long seed, Path cacheDir) {
        Path config = shape.resolve("config.json");
        if (!Files.isRegularFile(config)) {
            throw HarnessException.badData("--weights random needs a folder with config.json; " + shape + " has none");
        }
        String key = Hashing.sha256(read(config).toString()).substring(0, 12) + "-seed" + seed;
        Path out = cacheDir.resolve("random").resolve(shape.getFileName() + "-" + key);
        if (Files.isRegularFile(out.resolve(".complete"))) return out;
        List<Tensor> tensors = layout(read(config), shape);
        try {
            Path tmp = Files.createDirectories(out.getParent()).resolve(out.getFileName() + ".tmp");
            deleteTree(tmp);
            Files.createDirectories(tmp);
            for (String f : COPIED) {
                if (Files.isRegularFile(shape.resolve(f))) Files.copy(shape.resolve(f), tmp.resolve(f));
            }
            List<SafetensorsWriter.Entry> entries = new ArrayList<>();
            double std = read(config).path("initializer_range").asDouble(0.02);
            for (Tensor t : tensors) entries.add(entry(t, seed, std));
            SafetensorsWriter.write(tmp.resolve("model.safetensors"), entries);
            AtomicFiles.write(tmp.resolve(".complete"), "random weights, seed " + seed + "\n");
            deleteTree(out);
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write random weights to " + out, e);
        }
        return out;
    }

    /** The Hugging Face tensor names and shapes of a Llama-family config. */
    static List<Tensor> layout(JsonNode c, Path shape) {
        String type = c.path("model_type").asText("");
        if (!TYPES.contains(type)) {
            throw HarnessException.unsupportedModel("--weights random knows the llama, mistral and qwen2 layouts, not '"
                    + type + "' (" + shape + ")");
        }
        long hidden = need(c, "hidden_size", shape);
        long inter = need(c, "intermediate_size", shape);
        long layers = need(c, "num_hidden_layers", shape);
        long heads = need(c, "num_attention_heads", shape);
        long kvHeads = c.path("num_key_value_heads").asLong(heads);
        long vocab = need(c, "vocab_size", shape);
        long headDim = c.path("head_dim").asLong(hidden / heads);
        boolean bias = c.path("attention_bias").asBoolean(type.equals("qwen2"));
        List<Tensor> out = new ArrayList<>();
        out.add(new Tensor("model.embed_tokens.weight", new long[] {vocab, hidden}, Kind.MATRIX));
        for (int l = 0; l < layers; l++) {
            String p = "model.layers." + l + ".";
            out.add(new Tensor(p + "input_layernorm.weight", new long[] {hidden}, Kind.ONES));
            out.add(new Tensor(p + "self_attn.q_proj.weight", new long[] {heads * headDim, hidden}, Kind.MATRIX));
            out.add(new Tensor(p + "self_attn.k_proj.weight", new long[] {kvHeads * headDim, hidden}, Kind.MATRIX));
            out.add(new Tensor(p + "self_attn.v_proj.weight", new long[] {kvHeads * headDim, hidden}, Kind.MATRIX));
            if (bias) {
                out.add(new Tensor(p + "self_attn.q_proj.bias", new long[] {heads * headDim}, Kind.ZEROS));
                out.add(new Tensor(p + "self_attn.k_proj.bias", new long[] {kvHeads * headDim}, Kind.ZEROS));
                out.add(new Tensor(p + "self_attn.v_proj.bias", new long[] {kvHeads * headDim}, Kind.ZEROS));
            }
            out.add(new Tensor(p + "self_attn.o_proj.weight", new long[] {hidden, heads * headDim}, Kind.MATRIX));
            out.add(new Tensor(p + "post_attention_layernorm.weight", new long[] {hidden}, Kind.ONES));
            out.add(new Tensor(p + "mlp.gate_proj.weight", new long[] {inter, hidden}, Kind.MATRIX));
            out.add(new Tensor(p + "mlp.up_proj.weight", new long[] {inter, hidden}, Kind.MATRIX));
            out.add(new Tensor(p + "mlp.down_proj.weight", new long[] {hidden, inter}, Kind.MATRIX));
        }
        out.add(new Tensor("model.norm.weight", new long[] {hidden}, Kind.ONES));
        if (!c.path("tie_word_embeddings").asBoolean(false)) {
            out.add(new Tensor("lm_head.weight", new long[] {vocab, hidden}, Kind.MATRIX));
        }
        return out;
    }

    /** The next value of a tensor from its generator. */
    static float value(Tensor t, double std, SplittableRandom r) {
        return switch (t.kind()) {
            case ONES -> 1f;
            case ZEROS -> 0f;
            case MATRIX -> (float) (r.nextGaussian() * std);
        };
    }

    /** Each tensor's own stream, so its values do not depend on which tensors come before it. */
    static SplittableRandom generator(long seed, String name) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ name.hashCode());
    }

    private static SafetensorsWriter.Entry entry(Tensor t, long seed, double std) {
        return new SafetensorsWriter.Entry(t.name(), "F32", t.shape(), t.elements() * 4, out -> {
            SplittableRandom r = generator(seed, t.name());
            ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (long i = 0; i < t.elements(); i++) {
                if (!buf.hasRemaining()) {
                    SafetensorsWriter.writeFully(out, buf.flip());
                    buf.clear();
                }
                buf.putFloat(value(t, std, r));
            }
            SafetensorsWriter.writeFully(out, buf.flip());
        });
    }

    private static long need(JsonNode c, String key, Path shape) {
        if (!c.path(key).canConvertToLong()) throw HarnessException.badData(shape.resolve("config.json") + " lacks " + key);
        return c.path(key).asLong();
    }

    private static JsonNode read(Path config) {
        try {
            return JSON.readTree(config.toFile());
        } catch (IOException e) {
            throw HarnessException.badData("cannot parse " + config + ": " + e.getMessage());
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }
}
