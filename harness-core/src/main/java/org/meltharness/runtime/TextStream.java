package org.meltharness.runtime;

import java.util.Arrays;
import java.util.List;
import org.meltharness.tokenize.TextTokenizer;

/**
 * Turns a growing list of generated token ids into text deltas for streaming. A token's text
 * depends on its neighbours (the leading space the detokeniser drops from a slice's first token,
 * byte tokens that make one character together), so each new token is decoded together with the
 * tokens since the last character boundary, and the text those alone give is cut off the front
 * (the incremental detokenisation of Hugging Face's text-generation servers): a constant cost per
 * token, where decoding the whole list each time grew with the output. Nothing is handed out while
 * the text ends in an incomplete character (U+FFFD), and text that could begin a stop string is
 * held back. When a stop string appears the text ends before it, as lm-evaluation-harness cuts
 * {@code generate_until} output.
 */
public final class TextStream {
    private static final char REPLACEMENT = '\uFFFD';

    private final TextTokenizer tokenizer;
    private final List<String> stops;
    private final int longestStop;
    private int[] ids = new int[16];
    private int count;
    /** Tokens from {@code prefixOffset} on are decoded again with each new token. */
    private int prefixOffset;
    /** Tokens before {@code readOffset} are in {@link #text}; its text from {@code prefixOffset} is {@code prefixText}. */
    private int readOffset;
    private String prefixText = "";
    private String text = "";
    private int emitted;
    private int stopSearchedUpTo;
    private boolean stopped;

    public TextStream(TextTokenizer tokenizer, List<String> stops) {
        this.tokenizer = tokenizer;
        this.stops = stops.stream().filter(s -> !s.isEmpty()).toList();
        this.longestStop = this.stops.stream().mapToInt(String::length).max().orElse(0);
    }

    /** Adds a token and returns the text that can now be shown (possibly empty). */
    public String add(int id) {
        if (stopped) throw new IllegalStateException("the text already ended at a stop string");
        if (count == ids.length) ids = Arrays.copyOf(ids, count * 2);
        ids[count++] = id;
        String candidate = pendingText();
        int stop = firstStop(candidate);
        if (stop >= 0) {
            stopped = true;
            text = candidate.substring(0, stop);
            return take(text.length());
        }
        if (candidate.isEmpty() || candidate.charAt(candidate.length() - 1) == REPLACEMENT) return "";
        text = candidate;
        // The slice decoded next starts one token back at least: a slice's first token loses its
        // leading space, which must fall on a token both decodes share.
        prefixOffset = Math.min(readOffset, count - 1);
        readOffset = count;
        prefixText = decode(prefixOffset, readOffset);
        return take(text.length() - heldBack(text));
    }

    public boolean stopped() {
        return stopped;
    }

    /** Everything not yet shown, an incomplete last character included, for when generation ends. */
    public String flush() {
        if (!stopped && readOffset < count) {
            text = pendingText();
            readOffset = count;
        }
        return take(text.length());
    }

    public String text() {
        return text;
    }

    /** {@link #text} followed by the text of the tokens not yet in it. */
    private String pendingText() {
        String full = decode(prefixOffset, count);
        if (full.startsWith(prefixText)) return text + full.substring(prefixText.length());
        // A detokeniser whose slices do not add up: fall back to decoding everything, once.
        String all = decode(0, count);
        prefixOffset = count - 1;
        readOffset = count;
        prefixText = decode(prefixOffset, readOffset);
        text = "";
        emitted = Math.min(emitted, all.length());
        return all;
    }

    private String decode(int from, int to) {
        return from >= to ? "" : tokenizer.decode(Arrays.copyOfRange(ids, from, to));
    }

    private String take(int upTo) {
        if (upTo <= emitted) return "";
        String delta = text.substring(emitted, upTo);
        emitted = upTo;
        return delta;
    }

    /** The first stop string in {@code s}, searched only where text was added since the last search. */
    private int firstStop(String s) {
        if (stops.isEmpty()) return -1;
        int from = Math.max(0, stopSearchedUpTo - longestStop + 1);
        int first = -1;
        for (String stop : stops) {
            int at = s.indexOf(stop, from);
            if (at >= 0 && (first < 0 || at < first)) first = at;
        }
        // An incomplete last character may still change: search it again next time.
        int stable = s.isEmpty() || s.charAt(s.length() - 1) != REPLACEMENT ? s.length() : s.length() - 1;
        stopSearchedUpTo = Math.max(stopSearchedUpTo, stable);
        return first;
    }

    private int heldBack(String s) {
        int longest = 0;
        for (String stop : stops) {
            for (int k = Math.min(stop.length() - 1, s.length()); k > longest; k--) {
                if (s.regionMatches(s.length() - k, stop, 0, k)) {
                    longest = k;
                    break;
                }
            }
        }
        return longest;
    }
}
