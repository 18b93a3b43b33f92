package org.meltharness.tokenize;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.meltharness.HarnessException;
import org.meltharness.io.Hashing;

/**
 * A Hugging Face {@code tokenizer.json} run by the Rust tokenizers library (through DJL's binding),
 * the same library lm-evaluation-harness's Hugging Face backend uses.
 *
 * <p>Special tokens follow the model's files as transformers does: {@code add_bos_token} /
 * {@code add_eos_token} in {@code tokenizer_config.json} when present, otherwise the
 * post-processor in {@code tokenizer.json}.
 */
public final class HfTokenizer implements TextTokenizer, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HuggingFaceTokenizer tokenizer;
    private final Boolean addBos;
    private final Boolean addEos;
    private final int bosId;
    private final int eosId;
    private final String bosText;
    private final String description;

    private HfTokenizer(HuggingFaceTokenizer tokenizer, Boolean addBos, Boolean addEos, int bosId, int eosId,
            String bosText, String description) {
        this.tokenizer = tokenizer;
        this.addBos = addBos;
        this.addEos = addEos;
        this.bosId = bosId;
        this.eosId = eosId;
        this.bosText = bosText;
        this.description = description;
    }

    /** Loads {@code tokenizer.json} (and the config files beside it) from a model folder. */
    public static HfTokenizer load(Path modelDir) {
        Path file = modelDir.resolve("tokenizer.json");
        if (!Files.isRegularFile(file)) {
            throw HarnessException.badData("no tokenizer.json in " + modelDir);
        }
        JsonNode tokConfig = readJson(modelDir.resolve("tokenizer_config.json"));
        JsonNode modelConfig = readJson(modelDir.resolve("config.json"));
        HuggingFaceTokenizer hf;
        try {
            // Truncation and padding off: lm-eval truncates pairs itself, from the left.
            hf = HuggingFaceTokenizer.newInstance(file, Map.of(
                    "addSpecialTokens", "true", "truncation", "false", "padding", "false",
                    "maxLength", String.valueOf(Integer.MAX_VALUE / 2)));
        } catch (IOException | RuntimeException e) {
            throw HarnessException.badData("cannot read tokenizer " + file + ": " + firstLine(e));
        }
        Boolean addBos = tokConfig.has("add_bos_token") && tokConfig.get("add_bos_token").isBoolean()
                ? tokConfig.get("add_bos_token").asBoolean() : null;
        Boolean addEos = tokConfig.has("add_eos_token") && tokConfig.get("add_eos_token").isBoolean()
                ? tokConfig.get("add_eos_token").asBoolean() : null;
        String bosText = tokenText(tokConfig.get("bos_token"));
        String eosText = tokenText(tokConfig.get("eos_token"));
        int bosId = idOf(hf, bosText, modelConfig.path("bos_token_id"));
        int eosId = idOf(hf, eosText, modelConfig.path("eos_token_id"));
        String description = "huggingface-tokenizers (DJL) " + file.getFileName() + " sha256:"
                + Hashing.sha256(file).substring(0, 16) + " bos=" + (addBos == null ? "post-processor" : addBos);
        return new HfTokenizer(hf, addBos, addEos, bosId, eosId, bosText, description);
    }

    @Override
    public int[] encode(String text) {
        boolean explicit = addBos != null || addEos != null;
        // lm-eval does not add BOS again to a string that already starts with it.
        boolean startsWithBos = bosText != null && !bosText.isEmpty() && text.startsWith(bosText);
        long[] ids = tokenizer.encode(text, !explicit && !startsWithBos, false).getIds();
        if (!explicit || startsWithBos) return toInts(ids, 0, false);
        boolean bos = Boolean.TRUE.equals(addBos) && bosId >= 0;
        boolean eos = Boolean.TRUE.equals(addEos) && eosId >= 0;
        int[] out = toInts(ids, bos ? 1 : 0, eos);
        if (bos) out[0] = bosId;
        if (eos) out[out.length - 1] = eosId;
        return out;
    }

    @Override
    public String decode(int[] ids) {
        long[] longs = new long[ids.length];
        for (int i = 0; i < ids.length; i++) longs[i] = ids[i];
        return tokenizer.decode(longs, true);
    }

    @Override
    public int prefixTokenId() {
        return bosId >= 0 ? bosId : eosId;
    }

    @Override
    public int eosTokenId() {
        return eosId;
    }

    public int bosTokenId() {
        return bosId;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    private static int[] toInts(long[] ids, int offset, boolean extra) {
        int[] out = new int[ids.length + offset + (extra ? 1 : 0)];
        for (int i = 0; i < ids.length; i++) out[i + offset] = Math.toIntExact(ids[i]);
        return out;
    }

    /** The tokenizer's own id for a special token (as transformers reports it), else config.json's. */
    private static int idOf(HuggingFaceTokenizer hf, String text, JsonNode configId) {
        if (text != null && !text.isEmpty()) {
            long[] ids = hf.encode(text, false, false).getIds();
            if (ids.length == 1) return Math.toIntExact(ids[0]);
        }
        if (configId.isInt()) return configId.asInt();
        if (configId.isArray() && !configId.isEmpty()) return configId.get(0).asInt();
        return -1;
    }

    private static String tokenText(JsonNode node) {
        if (node == null || node.isNull()) return null;
        if (node.isTextual()) return node.asText();
        return node.path("content").isTextual() ? node.path("content").asText() : null;
    }

    private static JsonNode readJson(Path file) {
        if (!Files.isRegularFile(file)) return JSON.createObjectNode();
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw HarnessException.badData("cannot parse " + file + ": " + firstLine(e));
        }
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
