package org.meltharness.runtime.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each architecture switch of the Llama family, on a small random model, against the plain-Java
 * {@link ReferenceLlama}: the DJL model's logits at every position agree within 1e-4 when the
 * input runs in pieces over the key/value cache (7 tokens, then 1, then 12).
 */
class ArchitectureTest {
    private static final int[] TOKENS = {1, 403, 72, 13, 300, 9, 77, 8, 420, 511, 2, 5, 64, 128, 256, 31, 17, 99, 250, 3};

    @TempDir
    Path tmp;

    static Stream<Arguments> variants() {
        return Stream.of(
                Arguments.of("llama, grouped-query attention, tied embeddings", "llama", edit(c -> {})),
                Arguments.of("llama without grouping (kv heads = heads)", "llama", edit(c -> c.put("num_key_value_heads", 4))),
                Arguments.of("llama, multi-query (one kv head), untied head", "llama",
                        edit(c -> c.put("num_key_value_heads", 1).put("tie_word_embeddings", false))),
                Arguments.of("qwen2: q/k/v biases, untied head", "qwen2", edit(c -> c.put("tie_word_embeddings", false))),
                Arguments.of("llama3 rope scaling, all three frequency bands", "llama", edit(c -> c.putObject("rope_scaling")
                        .put("rope_type", "llama3").put("factor", 4.0).put("low_freq_factor", 1.0)
                        .put("high_freq_factor", 4.0).put("original_max_position_embeddings", 64))),
                Arguments.of("linear rope scaling", "llama", edit(c -> c.putObject("rope_scaling").put("type", "linear")
                        .put("factor", 2.0))),
                Arguments.of("mistral, sliding window of 4", "mistral", edit(c -> c.put("sliding_window", 4))),
                Arguments.of("head_dim apart from hidden / heads, theta 1e6", "llama",
                        edit(c -> c.put("head_dim", 16).put("rope_theta", 1e6))));
    }

    private static Consumer<ObjectNode> edit(Consumer<ObjectNode> e) {
        return e;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void agreesWithThePlainJavaReference(String name, String type, Consumer<ObjectNode> edit) {
        Path dir = TinyModels.write(tmp.resolve("m"), type, edit, "F32", 7);
        double[][] expected = new ReferenceLlama(dir).logits(TOKENS);
        double[][] actual = TinyModels.djlLogits(dir, TOKENS, 7, 1, 12);
        double worst = TinyModels.maxDifference(expected, actual);
        assertTrue(worst < 1e-4, name + ": max |logit difference| " + worst);
    }

    @Test
    void piecesOverTheCacheEqualOneRun() {
        Path dir = TinyModels.write(tmp.resolve("m"), "llama", c -> {}, "F32", 3);
        double[][] whole = TinyModels.djlLogits(dir, TOKENS, TOKENS.length);
        double[][] oneByOne = TinyModels.djlLogits(dir, TOKENS, ones(TOKENS.length));
        assertTrue(TinyModels.maxDifference(whole, oneByOne) < 1e-5);
    }

    @Test
    void bf16AndF16WeightsAreWidenedExactly() {
        for (String dtype : new String[] {"BF16", "F16"}) {
            Path stored = TinyModels.write(tmp.resolve(dtype), "llama", c -> {}, dtype, 11);
            // The same values, rounded as stored, written as F32.
            Map<String, long[]> shapes = new LinkedHashMap<>();
            Map<String, float[]> tensors = TinyModels.weights(TinyModels.config("llama"), 11, shapes);
            tensors.replaceAll((k, v) -> {
                float[] r = v.clone();
                for (int i = 0; i < r.length; i++) {
                    r[i] = dtype.equals("BF16") ? TinyModels.fromBf16(TinyModels.toBf16(r[i]))
                            : Float.float16ToFloat(Float.floatToFloat16(r[i]));
                }
                return r;
            });
            Path f32 = tmp.resolve(dtype + "-as-f32");
            TinyModels.writeFolder(f32, TinyModels.config("llama"));
            TinyModels.writeTensors(f32.resolve("model.safetensors"), tensors, shapes, "F32");
            double[][] a = TinyModels.djlLogits(stored, TOKENS, TOKENS.length);
            double[][] b = TinyModels.djlLogits(f32, TOKENS, TOKENS.length);
            for (int p = 0; p < a.length; p++) assertArrayEquals(b[p], a[p], 0.0, dtype + " position " + p);
        }
    }

    @Test
    void shardedWeightsEqualOneFile() throws Exception {
        Path single = TinyModels.write(tmp.resolve("single"), "qwen2", c -> c.put("tie_word_embeddings", false), "F32", 5);
        Path sharded = tmp.resolve("sharded");
        ObjectNode config = TinyModels.config("qwen2").put("tie_word_embeddings", false);
        TinyModels.writeFolder(sharded, config);
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Map<String, float[]> all = TinyModels.weights(config, 5, shapes);
        writeShards(sharded, all, shapes);
        assertEquals(2, Safetensors.open(sharded).files().size());
        double[][] a = TinyModels.djlLogits(single, TOKENS, TOKENS.length);
        double[][] b = TinyModels.djlLogits(sharded, TOKENS, TOKENS.length);
        for (int p = 0; p < a.length; p++) assertArrayEquals(a[p], b[p], 0.0, "position " + p);
    }

    /** Layer 0 and the embeddings in one shard, the rest in another, with the index naming each tensor's file. */
    static void writeShards(Path dir, Map<String, float[]> all, Map<String, long[]> shapes) throws Exception {
        Map<String, float[]> first = new LinkedHashMap<>();
        Map<String, float[]> second = new LinkedHashMap<>();
        all.forEach((k, v) -> (k.startsWith("model.layers.0.") || k.startsWith("model.embed") ? first : second).put(k, v));
        String a = "model-00001-of-00002.safetensors";
        String b = "model-00002-of-00002.safetensors";
        TinyModels.writeTensors(dir.resolve(a), first, shapes, "F32");
        TinyModels.writeTensors(dir.resolve(b), second, shapes, "F32");
        StringBuilder map = new StringBuilder("{\"metadata\":{},\"weight_map\":{");
        String sep = "";
        for (String k : all.keySet()) {
            map.append(sep).append('"').append(k).append("\":\"").append(first.containsKey(k) ? a : b).append('"');
            sep = ",";
        }
        Files.writeString(dir.resolve(Safetensors.INDEX), map.append("}}").toString());
    }

    private static int[] ones(int n) {
        int[] out = new int[n];
        java.util.Arrays.fill(out, 1);
        return out;
    }
}
