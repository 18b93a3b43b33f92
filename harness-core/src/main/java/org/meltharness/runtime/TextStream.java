package org.meltharness.runtime;

import java.util.Arrays;
import java.util.List;
import org.meltharness.tokenize.TextTokenizer;

/**
 * Turns a growing list of generated token ids into text deltas for streaming.
 *
 * <p>Each time, the whole id list is decoded with the model's tokenizer and the new suffix is
 * handed out, because a token's text depends on its neighbours (leading-space rules, byte-fallback
 * tokens that make one character together). While the decoded text ends in U+FFFD a multi-byte
 * character is still incomplete and nothing is handed out. Text that could be the start of a stop
 * string is held back until it is known not to be one; when a stop string appears, the text ends
 * before it, as lm-evaluation-harness cuts {@code generate_until} output.
 */
public final class TextStream {
    private static final char REPLACEMENT = '\uFFFD';

    private final TextTokenizer tokenizer;
    private final List<String> stops;
    private int[] ids = new int[16];
    private int count;
    private String text = "";
    private int emitted;
    private boolean stopped;

    public TextStream(TextTokenizer tokenizer, List<String> stops) {
        this.tokenizer = tokenizer;
        this.stops = stops.stream().filter(s -> !s.isEmpty()).toList();
    }

    /** Adds a token and returns the text that can now be shown (possibly empty). */
    public String add(int id) {
        if (stopped) throw new IllegalStateException("the text already ended at a stop string");
        if (count == ids.length) ids = Arrays.copyOf(ids, count * 2);
        ids[count++] = id;
        String decoded = tokenizer.decode(Arrays.copyOf(ids, count));
        int stop = firstStop(decoded);
        if (stop >= 0) {
            stopped = true;
            text = decoded.substring(0, stop);
            return take(text.length());
        }
        text = decoded;
        if (!decoded.isEmpty() && decoded.charAt(decoded.length() - 1) == REPLACEMENT) return "";
        return take(decoded.length() - heldBack(decoded));
    }

    /** Whether a stop string has appeared. */
    public boolean stopped() {
        return stopped;
    }

    /** Everything not yet shown, for when generation ends. */
    public String flush() {
        return take(text.length());
    }

    /** The text so far, cut before the stop string if one appeared. */
    public String text() {
        return text;
    }

    private String take(int upTo) {
        // A tokenizer whose decoding of a longer list rewrites earlier text cannot take back what was
        // shown; the delta then continues from the same character count.
        if (upTo <= emitted) return "";
        String delta = text.substring(emitted, upTo);
        emitted = upTo;
        return delta;
    }

    private int firstStop(String s) {
        int first = -1;
        for (String stop : stops) {
            int at = s.indexOf(stop);
            if (at >= 0 && (first < 0 || at < first)) first = at;
        }
        return first;
    }

    /** The length of the longest suffix of {@code s} that is a proper prefix of a stop string. */
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
