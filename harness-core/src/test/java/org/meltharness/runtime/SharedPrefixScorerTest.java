package org.meltharness.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.meltharness.HarnessException;
import org.meltharness.tokenize.TokenizedPair;

/**
 * The scorer's bookkeeping (order, prefix reuse, truncation, greedy flag) against a toy model whose
 * logits at position p depend on every token at positions 0..p as held in its cache, so a scorer
 * that reused the wrong cached state would get different numbers than scoring from scratch.
 */
class SharedPrefixScorerTest {
    private static final int VOCAB = 11;

    /** A model with a positional cache: cache[p] holds the token last run at position p. */
    static final class ToyModel implements TokenModel {
        final int[] cache = new int[64];
        int tokensRun;

        @Override
        public int vocabularySize() {
            return VOCAB;
        }

        @Override
        public int contextLength() {
            return cache.length;
        }

        @Override
        public void forward(int[] tokens, int start, int firstLogitRow, LogitsSink sink) {
            for (int i = 0; i < tokens.length; i++) cache[start + i] = tokens[i];
            tokensRun += tokens.length;
            float[] logits = new float[VOCAB];
            for (int i = firstLogitRow; i < tokens.length; i++) {
                long h = 17;
                for (int p = 0; p <= start + i; p++) h = h * 31 + cache[p] * (p + 7);
                SplittableRandom r = new SplittableRandom(h);
                for (int v = 0; v < VOCAB; v++) logits[v] = (float) (r.nextDouble() * 6 - 3);
                sink.accept(i, logits);
            }
        }

        /** log p(cont | ctx) computed from scratch, without the scorer. */
        double[] reference(int[] ctx, int[] cont) {
            int[] all = new int[ctx.length + cont.length];
            System.arraycopy(ctx, 0, all, 0, ctx.length);
            System.arraycopy(cont, 0, all, ctx.length, cont.length);
            int[] input = Arrays.copyOf(all, all.length - 1);
            double[] out = new double[cont.length];
            forward(input, 0, ctx.length - 1, (row, logits) ->
                    out[row - (ctx.length - 1)] = LogProbs.logSoftmaxAt(logits, cont[row - (ctx.length - 1)]));
            return out;
        }
    }

    private static TokenizedPair pair(int[] ctx, int[] cont) {
        return new TokenizedPair(ctx, cont);
    }

    @Test
    void reuseGivesTheSameNumbersAsScratchAndComputesLess() {
        List<TokenizedPair> pairs = new ArrayList<>();
        int[] shared = {1, 5, 3, 8, 2, 9};
        for (int c = 0; c < 4; c++) pairs.add(pair(shared, new int[] {c + 1, c + 2, 4}));
        pairs.add(pair(new int[] {1, 5, 3, 7}, new int[] {6}));
        pairs.add(pair(shared, new int[] {2}));
        ToyModel model = new ToyModel();
        List<LoglikelihoodResult> results = new SharedPrefixScorer(model, 64).score(pairs);
        int total = pairs.stream().mapToInt(p -> p.length() - 1).sum();
        assertTrue(model.tokensRun < total, model.tokensRun + " tokens run for " + total + " without reuse");
        ToyModel fresh = new ToyModel();
        for (int i = 0; i < pairs.size(); i++) {
            double[] ref = fresh.reference(pairs.get(i).context(), pairs.get(i).continuation());
            assertArrayEquals(ref, results.get(i).tokenLogprobs(), 1e-12, "request " + i);
            assertEquals(Arrays.stream(ref).sum(), results.get(i).logLikelihood(), 1e-12);
            assertEquals(pairs.get(i).context().length, results.get(i).contextTokens());
            assertFalse(results.get(i).truncated());
        }
        assertTrue(results.stream().anyMatch(r -> r.reusedTokens() > 0));
    }

    @Test
    void greedyMeansEveryContinuationTokenIsTheArgmax() {
        ToyModel model = new ToyModel();
        int[] ctx = {3, 1, 4};
        int[] cont = new int[3];
        // Build the greedy continuation token by token from the toy model itself.
        int[] seq = ctx.clone();
        for (int k = 0; k < cont.length; k++) {
            float[][] last = new float[1][];
            model.forward(seq, 0, seq.length - 1, (row, logits) -> last[0] = logits.clone());
            cont[k] = LogProbs.argmax(last[0]);
            seq = Arrays.copyOf(seq, seq.length + 1);
            seq[seq.length - 1] = cont[k];
        }
        var scorer = new SharedPrefixScorer(new ToyModel(), 64);
        assertTrue(scorer.score(List.of(pair(ctx, cont))).getFirst().greedy());
        int[] other = cont.clone();
        other[2] = (other[2] + 1) % VOCAB;
        assertFalse(scorer.score(List.of(pair(ctx, other))).getFirst().greedy());
    }

    @Test
    void longInputsAreCutFromTheLeftLikeLmEval() {
        int[] ctx = new int[20];
        for (int i = 0; i < ctx.length; i++) ctx[i] = i % VOCAB;
        int[] cont = {4, 2, 7};
        int window = 8;
        var result = new SharedPrefixScorer(new ToyModel(), window).score(List.of(pair(ctx, cont))).getFirst();
        assertTrue(result.truncated());
        // (ctx + cont)[-(window + 1):][:-1] keeps the last 6 context tokens and 2 continuation tokens.
        assertEquals(window - cont.length + 1, result.contextTokens());
        double[] ref = new ToyModel().reference(Arrays.copyOfRange(ctx, ctx.length - (window + 1 - cont.length), ctx.length), cont);
        assertArrayEquals(ref, result.tokenLogprobs(), 1e-12);
    }

    @Test
    void aContinuationLongerThanTheWindowIsRefused() {
        var scorer = new SharedPrefixScorer(new ToyModel(), 4);
        var e = assertThrows(HarnessException.class, () -> scorer.score(List.of(pair(new int[] {1}, new int[] {1, 2, 3, 4, 5}))));
        assertEquals(HarnessException.BAD_DATA, e.exitCode());
    }

    @Test
    void logSoftmaxInDouble() {
        float[] logits = {1f, 2f, 3f};
        double z = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
        assertEquals(2 - z, LogProbs.logSoftmaxAt(logits, 1), 1e-12);
        assertEquals(1, LogProbs.argmax(new float[] {0f, 5f, 5f}), "first of equal maxima");
    }
}
