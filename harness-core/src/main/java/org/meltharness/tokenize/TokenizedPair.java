package org.meltharness.tokenize;

/** A (context, continuation) pair as token ids: the model sees {@code context ++ continuation}. */
public record TokenizedPair(int[] context, int[] continuation) {
    public int length() {
        return context.length + continuation.length;
    }
}
