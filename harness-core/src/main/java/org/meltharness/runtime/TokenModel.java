package org.meltharness.runtime;

/**
 * A causal language model seen token by token, with a key/value cache indexed by position: the
 * engine side of {@link SharedPrefixScorer}.
 *
 * <p>A call to {@link #forward} may rely on the cache holding, for every position below
 * {@code start}, the state computed for the token most recently run at that position.
 */
public interface TokenModel {

    int vocabularySize();

    /** The number of positions the model can attend over. */
    int contextLength();

    /**
     * Runs {@code tokens} at positions {@code start, start+1, ...}, overwriting the cache from
     * {@code start} on, and hands the raw logits of rows {@code firstLogitRow..tokens.length-1}
     * (relative to {@code start}) to {@code sink} in order. The array passed to the sink may be
     * reused after the call returns.
     */
    void forward(int[] tokens, int start, int firstLogitRow, LogitsSink sink);

    /** Receives one row of logits. */
    @FunctionalInterface
    interface LogitsSink {
        void accept(int row, float[] logits);
    }
}
