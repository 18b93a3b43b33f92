package org.meltharness.tokenize;

import java.util.Arrays;
import org.meltharness.HarnessException;

/** A (context, continuation) pair as token ids: the model sees {@code context ++ continuation}. */
public record TokenizedPair(int[] context, int[] continuation) {
    public int length() {
        return context.length + continuation.length;
    }

    /**
     * The tokens a model is fed for this pair, cut from the left as lm-evaluation-harness cuts them:
     * {@code (context + continuation)[-(window + 1):][:-1]}; the continuation's log-probs are read
     * at its last {@code continuation.length} positions.
     *
     * @throws HarnessException when the continuation alone does not fit the window
     */
    public int[] windowedInput(int window) {
        int cont = continuation.length;
        if (cont > window) {
            throw HarnessException.badData("a continuation of " + cont + " tokens does not fit the model's window of "
                    + window + " tokens");
        }
        int total = length();
        int[] full = Arrays.copyOf(context, total);
        System.arraycopy(continuation, 0, full, context.length, cont);
        return Arrays.copyOfRange(full, Math.max(0, total - (window + 1)), total - 1);
    }
}
