package org.meltharness.runtime.llamacpp;

import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import org.meltharness.tokenize.TextTokenizer;

/**
 * The GGUF file's own tokenizer, run by llama.cpp ({@code llama_tokenize}, {@code llama_detokenize}),
 * so that scored tokens are exactly those the engine's vocabulary produces. BOS is added as the
 * file's {@code tokenizer.ggml.add_bos_token} says; special-token text in the input becomes the
 * special token, as Hugging Face tokenizers do; a text that already starts with the BOS text gets
 * no second BOS (as lm-evaluation-harness's Hugging Face backend behaves).
 */
final class LlamaTokenizer implements TextTokenizer {
    private final LlamaModel model;
    private final int bos;
    private final int eos;
    private final String bosText;
    private final String description;

    LlamaTokenizer(LlamaModel model) {
        this.model = model;
        this.bos = model.bos();
        this.eos = model.eos();
        this.bosText = bos >= 0 ? model.tokenText(bos) : null;
        GgufFile g = model.gguf();
        this.description = LlamaCpp.NAME + " llama_tokenize, GGUF vocabulary "
                + g.string("tokenizer.ggml.model", "?") + (g.metadata().containsKey("tokenizer.ggml.pre")
                        ? "/" + g.string("tokenizer.ggml.pre", "") : "")
                + " (" + model.vocabularySize() + " tokens, sha256:" + vocabularyHash(g).substring(0, 16) + ") of "
                + g.path().getFileName() + " add_bos=" + model.addBos();
    }

    @Override
    public int[] encode(String text) {
        boolean startsWithBos = bosText != null && !bosText.isEmpty() && text.startsWith(bosText);
        return model.tokenize(text, !startsWithBos, true);
    }

    @Override
    public String decode(int[] ids) {
        return utf8(model.detokenize(ids, true));
    }

    @Override
    public int prefixTokenId() {
        return bos >= 0 ? bos : eos;
    }

    @Override
    public int eosTokenId() {
        return eos;
    }

    int bosTokenId() {
        return bos;
    }

    @Override
    public String describe() {
        return description;
    }

    /** Decodes UTF-8, an incomplete or invalid sequence becoming U+FFFD. */
    static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalStateException(e); // REPLACE never throws
        }
    }

    /** sha256 of the file's {@code tokenizer.*} metadata, in file order: the vocabulary's identity. */
    static String vocabularyHash(GgufFile g) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, GgufFile.Value> e : g.metadata().entrySet()) {
                if (!e.getKey().startsWith("tokenizer.")) continue;
                d.update(e.getKey().getBytes(StandardCharsets.UTF_8));
                d.update((byte) 0);
                d.update(String.valueOf(e.getValue().value()).getBytes(StandardCharsets.UTF_8));
                d.update((byte) 0);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
