package org.meltharness.runtime;

/**
 * Generated text with the time at which each token was ready.
 *
 * @param tokens the generated token ids, prompt excluded
 * @param tokenNanos for each generated token, nanoseconds from the request's start until it was ready
 * @param promptTokens tokens of the prompt, BOS included
 * @param prefillNanos time until the prompt was processed (the first token is ready shortly after)
 */
public record Generation(
        String text,
        int[] tokens,
        long[] tokenNanos,
        int promptTokens,
        long prefillNanos,
        long totalNanos,
        FinishReason finishReason) {

    /** Why generation stopped. */
    public enum FinishReason {
        MAX_TOKENS,
        END_OF_SEQUENCE,
        STOP_STRING,
        CONTEXT_FULL
    }
}
