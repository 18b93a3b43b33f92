package org.meltharness.runtime;

import static org.meltharness.runtime.LogProbs.argmax;
import static org.meltharness.runtime.LogProbs.commonPrefix;
import static org.meltharness.runtime.LogProbs.logSoftmaxAt;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.meltharness.tokenize.TokenizedPair;

/**
 * Scores tokenized (context, continuation) pairs on a {@link TokenModel}, computing each shared
 * token prefix once.
 *
 * <p>Requests are visited in lexicographic order of their tokens, so that the choices of one
 * document, and documents sharing a few-shot preamble, follow each other; each request then runs
 * only the tokens after the longest prefix it shares with the tokens already in the cache (as
 * llama.cpp's HellaSwag scorer does). The last context token is always run again because its
 * logits predict the first continuation token. Inputs longer than the window are cut from the
 * left as lm-evaluation-harness does: {@code (context + continuation)[-(window + 1):][:-1]}.
 */
public final class SharedPrefixScorer {
    private final TokenModel model;
    private final int window;
    private int[] cached = new int[0];

    /**
     * @param window the longest input to run; lm-eval's {@code max_length}
     */
    public SharedPrefixScorer(TokenModel model, int window) {
        if (window < 2) throw new IllegalArgumentException("window must be at least 2");
        this.model = model;
        this.window = window;
    }

    public List<LoglikelihoodResult> score(List<TokenizedPair> pairs) {
        return score(pairs, null);
    }

    /** As {@link #score(List)}, showing every scored distribution to {@code observer} (may be null). */
    public List<LoglikelihoodResult> score(List<TokenizedPair> pairs, DistributionObserver observer) {
        int n = pairs.size();
        int[][] inputs = new int[n][];
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            inputs[i] = pairs.get(i).windowedInput(window);
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparing(i -> inputs[i], Arrays::compare));
        LoglikelihoodResult[] results = new LoglikelihoodResult[n];
        for (int i : order) {
            results[i] = scoreOne(i, pairs.get(i), inputs[i], observer);
        }
        return List.of(results);
    }

    /** Forgets the cached tokens, e.g. after the engine's state was used for something else. */
    public void reset() {
        cached = new int[0];
    }

    private LoglikelihoodResult scoreOne(int index, TokenizedPair pair, int[] input, DistributionObserver observer) {
        int[] cont = pair.continuation();
        int firstScored = input.length - cont.length;
        boolean truncated = pair.length() - 1 > input.length;
        int shared = commonPrefix(cached, input);
        int start = Math.min(shared, firstScored);

        double[] tokenLogprobs = new double[cont.length];
        boolean[] greedy = {true};
        TokenModel.LogitsSink sink = (row, logits) -> {
            int k = row; // rows are requested from firstScored on, relative to the call's start
            int target = cont[k];
            tokenLogprobs[k] = logSoftmaxAt(logits, target);
            if (argmax(logits) != target) greedy[0] = false;
            if (observer != null) observer.observe(index, k, target, logits);
        };

        long t0 = System.nanoTime();
        // Context: positions start..firstScored; only the last row's logits are needed.
        int[] ctxPart = Arrays.copyOfRange(input, start, firstScored + 1);
        model.forward(ctxPart, start, ctxPart.length - 1, (row, logits) -> sink.accept(0, logits));
        long t1 = System.nanoTime();
        if (firstScored + 1 < input.length) {
            int[] contPart = Arrays.copyOfRange(input, firstScored + 1, input.length);
            model.forward(contPart, firstScored + 1, 0, (row, logits) -> sink.accept(row + 1, logits));
        }
        long t2 = System.nanoTime();
        cached = input;

        double sum = 0;
        for (double lp : tokenLogprobs) sum += lp;
        int contextTokens = firstScored + 1;
        return new LoglikelihoodResult(sum, greedy[0], tokenLogprobs, contextTokens, cont.length, start, truncated,
                t1 - t0, t2 - t0);
    }
}
