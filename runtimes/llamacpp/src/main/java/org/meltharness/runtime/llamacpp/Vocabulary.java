package org.meltharness.runtime.llamacpp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.meltharness.HarnessException;
import org.meltharness.tokenize.HfTokenizer;

/**
 * A Hugging Face tokenizer as GGUF vocabulary metadata ({@code tokenizer.ggml.*}), as llama.cpp's
 * {@code convert_hf_to_gguf.py} writes it:
 * <ul>
 *   <li>{@code tokenizer.model} (SentencePiece): model {@code llama}, pieces, scores and types as stored;
 *   <li>{@code tokenizer.json} BPE with byte fallback (Llama 1/2, Mistral, llama2.c exports): model
 *       {@code llama}; SentencePiece merges by score, so each merged token gets the score
 *       {@code -rank} of the merge that makes it (the Python converter writes -1000 for every token
 *       here, which loses the merge order);
 *   <li>{@code tokenizer.json} byte-level BPE (GPT-2 style: Llama 3, Qwen2, SmolLM): model {@code gpt2}
 *       with its merges and the pre-tokeniser llama.cpp knows it by, recognised as the Python
 *       converter does: by the sha256 of the token ids of a fixed probe text.
 * </ul>
 * Special tokens and whether BOS/EOS are added follow what the Hugging Face tokenizer itself does.
 */
record Vocabulary(String model, String pre, List<String> tokens, float[] scores, int[] types, List<String> merges,
        Map<String, Integer> specialIds, boolean addBos, boolean addEos, String chatTemplate) {

    static final int NORMAL = 1;
    static final int UNKNOWN = 2;
    static final int CONTROL = 3;
    static final int USER_DEFINED = 4;
    static final int UNUSED = 5;
    static final int BYTE = 6;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern BYTE_TOKEN = Pattern.compile("<0x[0-9A-Fa-f]{2}>");

    /** convert_hf_to_gguf.py's probe text for recognising a BPE pre-tokeniser. */
    static final String PROBE = "\n \n\n \n\n\n \t \t\t \t\n  \n   \n    \n     \n\uD83D\uDE80 (normal) \uD83D\uDE36\u200D"
            + "\uD83C\uDF2B\uFE0F (multiple emojis concatenated) \u2705 \uD83E\uDD99\uD83E\uDD99 3 33 333 3333 33333 333333"
            + " 3333333 33333333 3.3 3..3 3...3 \u1780\u17B6\u1793\u17CB\u178F\u17C2\u1796\u17B7\u179F\u17C1\u179F\u17A2"
            + "\u17B6\u1785\uD83D\uDE01 ?\u6211\u60F3\u5728apple\u5DE5\u4F5C1314151\u5929\uFF5E ------======= \u043D\u0435"
            + "\u0449\u043E \u043D\u0430 \u0411\u044A\u043B\u0433\u0430\u0440\u0441\u043A\u0438 ''''''```````\"\"\"\"......"
            + "!!!!!!?????? I've been 'told he's there, 'RE you sure? 'M not sure I'll make it, 'D you like some tea? We'Ve"
            + " a'lL";

    /**
     * Pre-tokenisers by probe hash, from convert_hf_to_gguf.py: the names llama.cpp b4916 knew, all
     * of which v0.5.0 still knows (it knows more, which this list does not add yet).
     */
    static final Map<String, String> PRE_TOKENIZERS = Map.ofEntries(
            Map.entry("0ef9807a4087ebef797fc749390439009c3b9eda9ad1a097abbe738f486c01e5", "llama-bpe"),
            Map.entry("049ecf7629871e3041641907f3de7c733e4dbfdc736f57d882ba0b0845599754", "deepseek-llm"),
            Map.entry("347715f544604f9118bb75ed199f68779f423cabb20db6de6f31b908d04d7821", "deepseek-coder"),
            Map.entry("8aeee3860c56296a157a1fe2fad249ec40aa59b1bb5709f4ade11c4e6fe652ed", "falcon"),
            Map.entry("9d032fcbd5501f4a38150912590928bfb36091efb5df11b8e2124b0390e3fb1e", "falcon3"),
            Map.entry("b6dc8df998e1cfbdc4eac8243701a65afe638679230920b50d6f17d81c098166", "mpt"),
            Map.entry("35d91631860c815f952d711435f48d356ebac988362536bed955d43bfa436e34", "starcoder"),
            Map.entry("3ce83efda5659b07b1ad37ca97ca5797ea4285d9b9ab0dc679e4a720c9da7454", "gpt-2"),
            Map.entry("32d85c31273f8019248f2559fed492d929ea28b17e51d81d3bb36fff23ca72b3", "stablelm2"),
            Map.entry("6221ad2852e85ce96f791f476e0b390cf9b474c9e3d1362f53a24a06dc8220ff", "refact"),
            Map.entry("9c2227e4dd922002fb81bde4fc02b0483ca4f12911410dee2255e4987644e3f8", "command-r"),
            Map.entry("e636dc30a262dcc0d8c323492e32ae2b70728f4df7dfe9737d9f920a282b8aea", "qwen2"),
            Map.entry("a8594e3edff7c29c003940395316294b2c623e09894deebbc65f33f1515df79e", "dbrx"),
            Map.entry("c7699093ba4255a91e702aa38a596aa81669f3525dae06c2953267dde580f448", "jina-v1-en"),
            Map.entry("171aeeedd6fb548d418a7461d053f11b6f1f1fc9b387bd66640d28a4b9f5c643", "jina-v2-es"),
            Map.entry("27949a2493fc4a9f53f5b9b029c82689cfbe5d3a1929bb25e043089e28466de6", "jina-v2-de"),
            Map.entry("c136ed14d01c2745d4f60a9596ae66800e2b61fa45643e72436041855ad4089d", "smaug-bpe"),
            Map.entry("c7ea5862a53e4272c035c8238367063e2b270d51faa48c0f09e9d5b54746c360", "poro-chat"),
            Map.entry("7967bfa498ade6b757b064f31e964dddbb80f8f9a4d68d4ba7998fcf281c531a", "jina-v2-code"),
            Map.entry("b6e8e1518dc4305be2fe39c313ed643381c4da5db34a98f6a04c093f8afbe99b", "chatglm-bpe"),
            Map.entry("81d72c7348a9f0ebe86f23298d37debe0a5e71149e29bd283904c02262b27516", "chatglm-bpe"),
            Map.entry("7fc505bd3104ca1083b150b17d088b59534ede9bde81f0dd2090967d7fe52cee", "viking"),
            Map.entry("b53802fb28e26d645c3a310b34bfe07da813026ec7c7716883404d5e0f8b1901", "jais"),
            Map.entry("7b3e7548e4308f52a76e8229e4e6cc831195d0d1df43aed21ac6c93da05fec5f", "codeshell"),
            Map.entry("63b97e4253352e6f357cc59ea5b583e3a680eaeaf2632188c2b952de2588485e", "tekken"),
            Map.entry("855059429035d75a914d1eda9f10a876752e281a054a7a3d421ef0533e5b6249", "smollm"),
            Map.entry("3c30d3ad1d6b64202cd222813e7736c2db6e1bd6d67197090fc1211fbc612ae7", "bloom"),
            Map.entry("bc01ce58980e1db43859146dc51b1758b3b88729b217a74792e9f8d43e479d21", "gpt3-finnish"),
            Map.entry("4e2b24cc4770243d65a2c9ec19770a72f08cffc161adbb73fcbb6b7dd45a0aae", "exaone"),
            Map.entry("fcace8b9cac38ce847670c970cd5892031a753a1ef381abd1d9af00f713da085", "phi-2"),
            Map.entry("60824e3c0d9401f89943cbb2fff727f0e2d4c545ba4df2d6e4f09a6db0f5b450", "chameleon"),
            Map.entry("1431a23e583c97432bc230bff598d103ddb5a1f89960c8f1d1051aaa944d0b35", "minerva-7b"),
            Map.entry("8b5a93ed704057481f240da0be7e7dca721d7f8f4755263b6807227a2cbeae65", "roberta-bpe"),
            Map.entry("ad851be1dba641f2e3711822f816db2c265f788b37c63b4e1aeacb9ee92de8eb", "gigachat"),
            Map.entry("d4c8f286ea6b520b3d495c4455483cfa2302c0cfcd4be05d781b6a8a0a7cdaf1", "megrez"),
            Map.entry("877081d19cf6996e2c4ff0e1236341e9b7bde288f5311a56a937f0afbbb3aeb5", "deepseek-v3"),
            Map.entry("b3f499bb4255f8ca19fccd664443283318f2fd2414d5e0b040fbdd0cc195d6c5", "deepseek-r1-qwen"),
            Map.entry("ccc2ef013c104be7bae2965776d611e1d7a8a2a9c547dd93a682c9a9fc80352e", "gpt-4o"));

    /** Reads the tokenizer of a Hugging Face model folder; {@code vocabSize} is config.json's. */
    static Vocabulary read(Path dir, int vocabSize) {
        Path spm = dir.resolve("tokenizer.model");
        Path json = dir.resolve("tokenizer.json");
        JsonNode tokConfig = readJson(dir.resolve("tokenizer_config.json"));
        if (Files.isRegularFile(spm)) return sentencePiece(dir, spm, vocabSize, tokConfig);
        if (!Files.isRegularFile(json)) {
            throw HarnessException.badData(dir + " has neither tokenizer.model nor tokenizer.json");
        }
        JsonNode tok = readJson(json);
        JsonNode model = tok.path("model");
        if (!model.path("type").asText().equals("BPE")) {
            throw HarnessException.unsupportedModel(json + " is a " + model.path("type").asText()
                    + " tokenizer; convert writes SentencePiece and BPE vocabularies");
        }
        return model.path("byte_fallback").asBoolean(false) ? llamaBpe(dir, tok, vocabSize, tokConfig)
                : byteLevelBpe(dir, tok, vocabSize, tokConfig);
    }

    /** Adds the vocabulary's metadata to a GGUF being written. */
    void writeTo(GgufWriter w) {
        w.putString("tokenizer.ggml.model", model);
        if (pre != null) w.putString("tokenizer.ggml.pre", pre);
        w.putStrings("tokenizer.ggml.tokens", tokens);
        if (scores != null) w.putFloats("tokenizer.ggml.scores", scores);
        w.putInts("tokenizer.ggml.token_type", types);
        if (merges != null) w.putStrings("tokenizer.ggml.merges", merges);
        for (String kind : List.of("bos", "eos", "unknown", "seperator", "padding")) {
            Integer id = specialIds.get(kind);
            if (id != null) w.putU32("tokenizer.ggml." + kind + "_token_id", id);
        }
        w.putBool("tokenizer.ggml.add_bos_token", addBos);
        w.putBool("tokenizer.ggml.add_eos_token", addEos);
        if (chatTemplate != null) w.putString("tokenizer.chat_template", chatTemplate);
    }

    private static Vocabulary sentencePiece(Path dir, Path file, int vocabSize, JsonNode tokConfig) {
        List<Object[]> pieces = SentencePieceModel.read(file);
        int n = Math.max(vocabSize, pieces.size());
        List<String> tokens = new ArrayList<>(n);
        float[] scores = new float[n];
        int[] types = new int[n];
        for (int i = 0; i < n; i++) {
            if (i < pieces.size()) {
                tokens.add((String) pieces.get(i)[0]);
                scores[i] = (Float) pieces.get(i)[1];
                types[i] = (Integer) pieces.get(i)[2];
            } else {
                tokens.add("[PAD" + i + "]");
                scores[i] = -10000f;
                types[i] = UNUSED;
            }
        }
        // Tokens added on top (added_tokens_decoder), as convert_hf_to_gguf.py does.
        for (var e : tokConfig.path("added_tokens_decoder").properties()) {
            int id = Integer.parseInt(e.getKey());
            if (id >= n) continue;
            tokens.set(id, e.getValue().path("content").asText());
            types[id] = e.getValue().path("special").asBoolean(false) ? CONTROL : USER_DEFINED;
        }
        Map<String, Integer> ids = ids(tokens);
        Map<String, Integer> special = specials(dir, tokConfig, ids);
        boolean addBos = tokConfig.path("add_bos_token").asBoolean(true);
        boolean addEos = tokConfig.path("add_eos_token").asBoolean(false);
        return new Vocabulary("llama", "default", tokens, scores, types, null, special, addBos, addEos,
                chatTemplate(tokConfig));
    }

    private static Vocabulary llamaBpe(Path dir, JsonNode tok, int vocabSize, JsonNode tokConfig) {
        List<String> tokens = tokenList(tok, vocabSize);
        Map<String, Integer> ids = ids(tokens);
        // The merged token of merge r gets score -r: SentencePiece merges the highest score first.
        Map<String, Integer> rank = new HashMap<>();
        int r = 0;
        for (JsonNode m : tok.path("model").path("merges")) {
            String[] pair = mergePair(m);
            rank.putIfAbsent(pair[0] + pair[1], r++);
        }
        Set<String> specialTexts = addedTexts(tok, true);
        Set<String> addedTexts = addedTexts(tok, false);
        String unk = tok.path("model").path("unk_token").asText(null);
        float[] scores = new float[tokens.size()];
        int[] types = new int[tokens.size()];
        int entries = vocabEntries(tok);
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            Integer rk = rank.get(t);
            scores[i] = rk == null ? 0f : -rk;
            if (t.equals(unk)) types[i] = UNKNOWN;
            else if (specialTexts.contains(t)) types[i] = CONTROL;
            else if (addedTexts.contains(t)) types[i] = USER_DEFINED;
            else if (BYTE_TOKEN.matcher(t).matches()) types[i] = BYTE;
            else if (i >= entries && t.equals("[PAD" + i + "]")) types[i] = UNUSED;
            else types[i] = NORMAL;
        }
        Map<String, Integer> special = specials(dir, tokConfig, ids);
        boolean[] flags = addFlags(dir, special);
        return new Vocabulary("llama", "default", tokens, scores, types, null, special, flags[0], flags[1],
                chatTemplate(tokConfig));
    }

    private static Vocabulary byteLevelBpe(Path dir, JsonNode tok, int vocabSize, JsonNode tokConfig) {
        List<String> tokens = tokenList(tok, vocabSize);
        Map<String, Integer> ids = ids(tokens);
        Set<String> specialTexts = addedTexts(tok, true);
        Set<String> addedTexts = addedTexts(tok, false);
        int[] types = new int[tokens.size()];
        int base = vocabEntries(tok);
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            if (specialTexts.contains(t) || (addedTexts.contains(t) && looksSpecial(t))) types[i] = CONTROL;
            else if (addedTexts.contains(t)) types[i] = USER_DEFINED;
            else if (i >= base && !addedTexts.contains(t) && t.equals("[PAD" + i + "]")) types[i] = UNUSED;
            else types[i] = NORMAL;
        }
        List<String> merges = new ArrayList<>();
        for (JsonNode m : tok.path("model").path("merges")) {
            String[] pair = mergePair(m);
            merges.add(pair[0] + " " + pair[1]);
        }
        Map<String, Integer> special = specials(dir, tokConfig, ids);
        boolean[] flags = addFlags(dir, special);
        return new Vocabulary("gpt2", preTokenizer(dir), tokens, null, types, merges, special, flags[0], flags[1],
                chatTemplate(tokConfig));
    }

    /** The pre-tokeniser name llama.cpp knows this tokenizer by, from the probe text's token ids. */
    static String preTokenizer(Path dir) {
        String hash = probeHash(dir);
        String name = PRE_TOKENIZERS.get(hash);
        if (name == null) {
            throw HarnessException.unsupportedModel("the BPE pre-tokeniser of " + dir + " is not one "
                    + LlamaCpp.NAME + " knows (probe hash " + hash.substring(0, 16) + "...); it cannot be converted");
        }
        return name;
    }

    /** sha256 of Python's {@code str(tokenizer.encode(PROBE))}, as convert_hf_to_gguf.py computes it. */
    static String probeHash(Path dir) {
        try (HfTokenizer hf = HfTokenizer.load(dir)) {
            int[] ids = hf.encode(PROBE);
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < ids.length; i++) sb.append(i == 0 ? "" : ", ").append(ids[i]);
            sb.append(']');
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(sb.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the Hugging Face tokenizer puts BOS first and EOS last (transformers' rules). */
    private static boolean[] addFlags(Path dir, Map<String, Integer> special) {
        try (HfTokenizer hf = HfTokenizer.load(dir)) {
            int[] ids = hf.encode("a");
            Integer bos = special.get("bos");
            Integer eos = special.get("eos");
            boolean addBos = bos != null && ids.length > 0 && ids[0] == bos;
            boolean addEos = eos != null && ids.length > 0 && ids[ids.length - 1] == eos && !(addBos && ids.length == 1);
            return new boolean[] {addBos, addEos};
        }
    }

    /** Token texts by id: the model's vocabulary and the added tokens, "[PADn]" where an id has none. */
    private static List<String> tokenList(JsonNode tok, int vocabSize) {
        Map<Integer, String> byId = new HashMap<>();
        for (var e : tok.path("model").path("vocab").properties()) byId.put(e.getValue().asInt(), e.getKey());
        for (JsonNode a : tok.path("added_tokens")) byId.put(a.path("id").asInt(), a.path("content").asText());
        int max = byId.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1);
        int n = Math.max(vocabSize, max + 1);
        List<String> tokens = new ArrayList<>(n);
        for (int i = 0; i < n; i++) tokens.add(byId.getOrDefault(i, "[PAD" + i + "]"));
        return tokens;
    }

    private static int vocabEntries(JsonNode tok) {
        int max = -1;
        for (var e : tok.path("model").path("vocab").properties()) max = Math.max(max, e.getValue().asInt());
        for (JsonNode a : tok.path("added_tokens")) max = Math.max(max, a.path("id").asInt());
        return max + 1;
    }

    private static Set<String> addedTexts(JsonNode tok, boolean specialOnly) {
        Set<String> out = new java.util.HashSet<>();
        for (JsonNode a : tok.path("added_tokens")) {
            if (!specialOnly || a.path("special").asBoolean(false)) out.add(a.path("content").asText());
        }
        return out;
    }

    /** convert_hf_to_gguf.py's {@code does_token_look_special}. */
    private static boolean looksSpecial(String t) {
        return Set.of("<pad>", "<mask>", "<2mass>", "[@BOS@]").contains(t) || (t.startsWith("<|") && t.endsWith("|>"))
                || (t.startsWith("<\uFF5C") && t.endsWith("\uFF5C>")) || (t.startsWith("<start_of_") && t.endsWith(">"));
    }

    private static String[] mergePair(JsonNode m) {
        if (m.isArray()) return new String[] {m.get(0).asText(), m.get(1).asText()};
        String s = m.asText();
        int sp = s.indexOf(' ', 1);
        if (sp < 0) throw HarnessException.badData("merge '" + s + "' is not two tokens");
        return new String[] {s.substring(0, sp), s.substring(sp + 1)};
    }

    private static Map<String, Integer> ids(List<String> tokens) {
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < tokens.size(); i++) ids.putIfAbsent(tokens.get(i), i);
        return ids;
    }

    /** bos/eos/unk/sep/pad ids from tokenizer_config.json's token texts, else config.json's ids. */
    private static Map<String, Integer> specials(Path dir, JsonNode tokConfig, Map<String, Integer> ids) {
        JsonNode config = readJson(dir.resolve("config.json"));
        Map<String, Integer> out = new LinkedHashMap<>();
        String[][] kinds = {{"bos", "bos_token", "bos_token_id"}, {"eos", "eos_token", "eos_token_id"},
                {"unknown", "unk_token", "unk_token_id"}, {"seperator", "sep_token", "sep_token_id"},
                {"padding", "pad_token", "pad_token_id"}};
        for (String[] k : kinds) {
            String text = tokenText(tokConfig.get(k[1]));
            Integer id = text == null ? null : ids.get(text);
            if (id == null) {
                JsonNode c = config.path(k[2]);
                if (c.isInt()) id = c.asInt();
                else if (c.isArray() && !c.isEmpty()) id = c.get(0).asInt();
            }
            if (id != null) out.put(k[0], id);
        }
        return out;
    }

    private static String chatTemplate(JsonNode tokConfig) {
        JsonNode t = tokConfig.get("chat_template");
        return t != null && t.isTextual() ? t.asText() : null;
    }

    private static String tokenText(JsonNode node) {
        if (node == null || node.isNull()) return null;
        if (node.isTextual()) return node.asText();
        return node.path("content").isTextual() ? node.path("content").asText() : null;
    }

    static JsonNode readJson(Path file) {
        if (!Files.isRegularFile(file)) return JSON.createObjectNode();
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw HarnessException.badData("cannot parse " + file + ": " + e.getMessage());
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Vocabulary v && model.equals(v.model) && java.util.Objects.equals(pre, v.pre)
                && tokens.equals(v.tokens) && Arrays.equals(scores, v.scores) && Arrays.equals(types, v.types)
                && java.util.Objects.equals(merges, v.merges) && specialIds.equals(v.specialIds) && addBos == v.addBos
                && addEos == v.addEos;
    }

    @Override
    public int hashCode() {
        return tokens.hashCode();
    }

    /** The pieces of a SentencePiece {@code tokenizer.model} (protobuf ModelProto), read by hand. */
    static final class SentencePieceModel {
        private SentencePieceModel() {}

        /** Each piece as {text, score, type}. */
        static List<Object[]> read(Path file) {
            try {
                ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
                List<Object[]> pieces = new ArrayList<>();
                while (b.hasRemaining()) {
                    long key = varint(b);
                    int field = (int) (key >>> 3);
                    int wire = (int) (key & 7);
                    if (field == 1 && wire == 2) {
                        int len = (int) varint(b);
                        pieces.add(piece(b.slice(b.position(), len).order(ByteOrder.LITTLE_ENDIAN)));
                        b.position(b.position() + len);
                    } else {
                        skip(b, wire);
                    }
                }
                if (pieces.isEmpty()) throw HarnessException.badData(file + " holds no SentencePiece pieces");
                return pieces;
            } catch (IOException e) {
                throw HarnessException.badData("cannot read " + file + ": " + e.getMessage(), e);
            } catch (RuntimeException e) {
                if (e instanceof HarnessException) throw e;
                throw HarnessException.badData(file + " is not a SentencePiece model: " + e);
            }
        }

        private static Object[] piece(ByteBuffer b) {
            String text = "";
            float score = 0;
            int type = NORMAL;
            while (b.hasRemaining()) {
                long key = varint(b);
                int field = (int) (key >>> 3);
                int wire = (int) (key & 7);
                if (field == 1 && wire == 2) {
                    int len = (int) varint(b);
                    byte[] s = new byte[len];
                    b.get(s);
                    text = new String(s, StandardCharsets.UTF_8);
                } else if (field == 2 && wire == 5) {
                    score = b.getFloat();
                } else if (field == 3 && wire == 0) {
                    type = (int) varint(b);
                } else {
                    skip(b, wire);
                }
            }
            return new Object[] {text, score, type};
        }

        private static long varint(ByteBuffer b) {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte x = b.get();
                v |= (long) (x & 0x7f) << shift;
                if (x >= 0) return v;
            }
            throw new IllegalStateException("varint too long");
        }

        private static void skip(ByteBuffer b, int wire) {
            switch (wire) {
                case 0 -> varint(b);
                case 1 -> b.position(b.position() + 8);
                case 2 -> {
                    int len = (int) varint(b);
                    b.position(b.position() + len);
                }
                case 5 -> b.position(b.position() + 4);
                default -> throw new IllegalStateException("wire type " + wire);
            }
        }
    }
}
