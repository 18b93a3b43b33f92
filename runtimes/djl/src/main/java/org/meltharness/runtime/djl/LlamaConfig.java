package org.meltharness.runtime.djl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.meltharness.HarnessException;

/**
 * The parts of a Hugging Face {@code config.json} a Llama-family decoder needs, checked: Llama 1-3,
 * Mistral and Qwen2 share one architecture (pre-norm RMSNorm, rotary positions in rotate-half
 * order, grouped-query attention, SwiGLU MLP) and differ only in the settings read here.
 *
 * @param headDim {@code head_dim}, else {@code hidden_size / num_attention_heads}
 * @param slidingWindow keys further back than this many positions are not attended to; 0 for none
 * @param eosTokenIds every end-of-sequence id named by config.json and generation_config.json
 */
record LlamaConfig(
        String modelType,
        int hidden,
        int intermediate,
        int layers,
        int heads,
        int kvHeads,
        int headDim,
        int vocab,
        double rmsEps,
        double ropeTheta,
        Rope.Scaling ropeScaling,
        int maxPositions,
        boolean tiedEmbeddings,
        boolean qkvBias,
        int slidingWindow,
        Set<Integer> eosTokenIds) {

    /** The {@code model_type}s this runtime implements. */
    static final List<String> ARCHITECTURES = List.of("llama", "mistral", "qwen2");

    private static final ObjectMapper JSON = new ObjectMapper();

    LlamaConfig {
        eosTokenIds = Set.copyOf(eosTokenIds);
    }

    static LlamaConfig read(Path dir) {
        Path file = dir.resolve("config.json");
        if (!Files.isRegularFile(file)) {
            throw HarnessException.badData("no config.json in " + dir
                    + ": djl needs a Hugging Face model folder (config.json, tokenizer.json, *.safetensors)");
        }
        JsonNode c = readJson(file);
        if (c == null || !c.isObject()) throw HarnessException.badData(file + " is not a JSON object");
        String type = c.path("model_type").asText("").toLowerCase(Locale.ROOT);
        if (type.isEmpty()) throw HarnessException.badData(file + " has no model_type");
        if (!ARCHITECTURES.contains(type)) {
            throw HarnessException.unsupportedModel("djl runs Llama-family decoders (model_type "
                    + String.join(", ", ARCHITECTURES) + "), not '" + type + "' (" + file + ")");
        }
        String act = c.path("hidden_act").asText("silu");
        if (!act.equals("silu")) {
            throw HarnessException.unsupportedModel("djl implements the SiLU-gated MLP; " + file + " asks for hidden_act "
                    + act);
        }
        int hidden = need(c, "hidden_size", file);
        int heads = need(c, "num_attention_heads", file);
        int kvHeads = c.path("num_key_value_heads").isNull() ? heads : c.path("num_key_value_heads").asInt(heads);
        if (heads <= 0 || kvHeads <= 0 || heads % kvHeads != 0) {
            throw HarnessException.badData(file + ": num_attention_heads " + heads + " is not a multiple of "
                    + "num_key_value_heads " + kvHeads);
        }
        int headDim = c.path("head_dim").canConvertToInt() ? c.get("head_dim").asInt() : hidden / heads;
        if (headDim <= 0 || headDim % 2 != 0) {
            throw HarnessException.badData(file + ": head_dim " + headDim + " must be even for rotary positions");
        }
        if (c.path("mlp_bias").asBoolean(false)) {
            throw HarnessException.unsupportedModel("djl does not implement mlp_bias=true (" + file + ")");
        }
        boolean attentionBias = c.path("attention_bias").asBoolean(false);
        if (attentionBias && !type.equals("qwen2")) {
            // Llama's attention_bias also puts a bias on o_proj; no released Llama uses it.
            throw HarnessException.unsupportedModel("djl does not implement attention_bias=true for " + type + " ("
                    + file + ")");
        }
        int window = 0;
        if (type.equals("mistral") && c.path("sliding_window").canConvertToInt()) window = c.get("sliding_window").asInt();
        if (type.equals("qwen2") && c.path("use_sliding_window").asBoolean(false)) {
            throw HarnessException.unsupportedModel("djl does not implement Qwen2's use_sliding_window=true (" + file + ")");
        }
        Set<Integer> eos = new LinkedHashSet<>(ids(c.path("eos_token_id")));
        Path generation = dir.resolve("generation_config.json");
        if (Files.isRegularFile(generation)) eos.addAll(ids(readJson(generation).path("eos_token_id")));
        return new LlamaConfig(type, hidden, need(c, "intermediate_size", file), need(c, "num_hidden_layers", file), heads,
                kvHeads, headDim, need(c, "vocab_size", file), c.path("rms_norm_eps").asDouble(1e-6),
                c.path("rope_theta").asDouble(10000.0), Rope.Scaling.read(c.path("rope_scaling"), file),
                need(c, "max_position_embeddings", file), c.path("tie_word_embeddings").asBoolean(false),
                type.equals("qwen2") || attentionBias, window, eos);
    }

    /** Query heads per key/value head. */
    int group() {
        return heads / kvHeads;
    }

    private static int need(JsonNode c, String key, Path file) {
        JsonNode v = c.path(key);
        if (!v.canConvertToInt() || v.asInt() <= 0) throw HarnessException.badData(file + " lacks a positive " + key);
        return v.asInt();
    }

    private static List<Integer> ids(JsonNode n) {
        List<Integer> out = new ArrayList<>();
        if (n.canConvertToInt()) out.add(n.asInt());
        if (n.isArray()) n.forEach(e -> {
            if (e.canConvertToInt()) out.add(e.asInt());
        });
        return out;
    }

    private static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw HarnessException.badData("cannot parse " + file + ": " + Errors.firstLine(e), e);
        }
    }
}
