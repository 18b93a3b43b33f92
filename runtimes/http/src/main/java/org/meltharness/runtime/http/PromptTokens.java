package org.meltharness.runtime.http;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.meltharness.tokenize.HfTokenizer;

/**
 * The served model's tokenizer as the server uses it beside the runtime: token counts (for usage
 * and the context-length check) and the text of each token with its offset in the prompt (for
 * {@code logprobs.tokens} and {@code text_offset}). The runtime itself tokenizes what it scores;
 * this only describes those tokens.
 *
 * <p>Needs the model folder's {@code tokenizer.json}; a model without one (a GGUF file) is served
 * with empty token texts, which the response states.
 */
final class PromptTokens implements AutoCloseable {
    private final HfTokenizer counting;
    private final HuggingFaceTokenizer spans;

    /** The most characters one token stands for (+1 for a leading space the tokenizer adds). */
    private final int maxTokenChars;

    private PromptTokens(HfTokenizer counting, HuggingFaceTokenizer spans, int vocabulary) {
        this.counting = counting;
        this.spans = spans;
        int longest = 1;
        for (int id = 0; id < vocabulary; id++) longest = Math.max(longest, piece(id).length());
        this.maxTokenChars = longest + 1;
    }

    /** The tokenizer of the model folder {@code dir}, if it has one. */
    static Optional<PromptTokens> of(Path dir, int vocabulary) {
        if (dir == null || !Files.isRegularFile(dir.resolve("tokenizer.json"))) return Optional.empty();
        HfTokenizer counting = HfTokenizer.load(dir);
        try {
            HuggingFaceTokenizer spans = HuggingFaceTokenizer.newInstance(dir.resolve("tokenizer.json"), Map.of(
                    "addSpecialTokens", "false", "truncation", "false", "padding", "false",
                    "maxLength", String.valueOf(Integer.MAX_VALUE / 2)));
            return Optional.of(new PromptTokens(counting, spans, vocabulary));
        } catch (IOException | RuntimeException e) {
            counting.close();
            return Optional.empty();
        }
    }

    /**
     * Fewer tokens than {@code text} encodes to: no token stands for more than the longest piece's
     * characters (halved again, for normalizers that drop characters). Lets a prompt of megabytes
     * be refused without tokenizing it.
     */
    long atLeastTokens(String text) {
        return text.length() / (2L * maxTokenChars);
    }

    /** Tokens of {@code text} as the model's tokenizer encodes it, BOS included when it adds one. */
    int count(String text) {
        return counting.encode(text).length;
    }

    /** The ids the runtime's own tokenizer gives {@code text}, BOS included when it adds one. */
    int[] encode(String text) {
        return counting.encode(text);
    }

    /** How many of {@code ids} (the encoding of {@code text}) come before its text tokens: BOS and the like. */
    int specialPrefix(int[] ids, String text) {
        return Math.max(0, ids.length - spans.encode(text, false, false).getIds().length);
    }

    /**
     * Each token's text and offset (code points) for a prompt given as ids: a token's text is what it
     * adds to the text of the token before it (a lone token's decoding drops a leading space), so
     * the texts concatenate to the prompt's text. Special tokens are written out (as {@code <s>}).
     */
    Pieces ofIds(int[] ids) {
        String[] texts = new String[ids.length];
        int[] offsets = new int[ids.length];
        int at = 0;
        for (int k = 0; k < ids.length; k++) {
            String t;
            if (k == 0) {
                t = decode(ids[0]);
            } else {
                String before = decode(ids[k - 1]);
                String both = spans.decode(new long[] {ids[k - 1], ids[k]}, false);
                t = both.startsWith(before) ? both.substring(before.length()) : decode(ids[k]);
            }
            texts[k] = t;
            offsets[k] = at;
            at += t.codePointCount(0, t.length());
        }
        return new Pieces(texts, offsets);
    }

    private String decode(int id) {
        return spans.decode(new long[] {id}, false);
    }

    /** The token texts and their offsets (in code points), one per token. */
    record Pieces(String[] texts, int[] offsets) {}

    /**
     * The last {@code n} tokens of {@code prompt}: a scored continuation is always the tail of the
     * whole prompt's encoding. Tokens the text encoding lacks (BOS) come first, as empty texts at
     * offset 0. Each text runs from its token's start to the next token's start, so the texts
     * concatenate to the prompt's tail.
     */
    Pieces tail(String prompt, int n) {
        Encoding enc = spans.encode(prompt, false, false);
        CharSpan[] s = enc.getCharTokenSpans();
        int m = s.length;
        String[] texts = new String[n];
        int[] offsets = new int[n];
        int special = Math.max(0, n - m);
        for (int i = 0; i < special; i++) {
            texts[i] = "";
            offsets[i] = 0;
        }
        int firstText = m - (n - special);
        for (int j = 0; j < n - special; j++) {
            int t = firstText + j;
            int start = clamp(s[t] == null ? -1 : s[t].getStart(), prompt);
            int end = t + 1 < m ? clamp(s[t + 1] == null ? -1 : s[t + 1].getStart(), prompt) : prompt.length();
            if (start < 0) start = j == 0 ? 0 : toChars(prompt, offsets[special + j - 1]);
            if (end < start) end = start;
            texts[special + j] = prompt.substring(start, end);
            offsets[special + j] = prompt.codePointCount(0, start);
        }
        return new Pieces(texts, offsets);
    }

    /** Every text token of {@code prompt} (special tokens the tokenizer adds are not listed). */
    Pieces all(String prompt) {
        return tail(prompt, spans.encode(prompt, false, false).getIds().length);
    }

    /** Where the prompt's second text token starts (in chars), or the prompt's length if it has one token. */
    int firstTokenEnd(String prompt) {
        CharSpan[] s = spans.encode(prompt, false, false).getCharTokenSpans();
        for (int i = 1; i < s.length; i++) {
            if (s[i] != null && s[i].getStart() > 0) return Math.min(s[i].getStart(), prompt.length());
        }
        return prompt.length();
    }

    /** The text of one vocabulary entry, for {@code top_logprobs} keys. */
    String piece(int id) {
        return spans.decode(new long[] {id}, false);
    }

    String describe() {
        return counting.describe();
    }

    private static int clamp(int index, String s) {
        if (index < 0) return -1;
        return Math.min(index, s.length());
    }

    private static int toChars(String s, int codePoints) {
        return s.offsetByCodePoints(0, Math.min(codePoints, s.codePointCount(0, s.length())));
    }

    @Override
    public void close() {
        counting.close();
        spans.close();
    }
}
