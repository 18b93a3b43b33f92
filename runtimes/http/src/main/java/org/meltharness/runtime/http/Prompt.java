package org.meltharness.runtime.http;

import java.util.Arrays;

/**
 * One prompt of a request: text, or token ids (OpenAI's and vLLM's list of integers) to be used
 * exactly as given.
 *
 * @param text the text, or null for a token-id prompt
 * @param ids the token ids, or null for a text prompt
 */
record Prompt(String text, int[] ids) {
    Prompt {
        if ((text == null) == (ids == null)) throw new IllegalArgumentException("a prompt is text or token ids");
    }

    static Prompt of(String text) {
        return new Prompt(text, null);
    }

    static Prompt of(int[] ids) {
        return new Prompt(null, ids);
    }

    boolean isTokens() {
        return ids != null;
    }

    /** Length in code points (text) or tokens, for messages. */
    int size() {
        return text != null ? text.codePointCount(0, text.length()) : ids.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Prompt p && java.util.Objects.equals(text, p.text) && Arrays.equals(ids, p.ids);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Objects.hashCode(text) + Arrays.hashCode(ids);
    }

    @Override
    public String toString() {
        return text != null ? text : Arrays.toString(ids);
    }
}
