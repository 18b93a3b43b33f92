package org.meltharness.runtime.http;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.meltharness.HarnessException;
import org.meltharness.runtime.DistributionObserver;
import org.meltharness.runtime.LogProbs;
import org.meltharness.runtime.LoglikelihoodResult;

/**
 * A runtime's scores of some requests with the most likely alternatives at each scored token, for
 * {@code logprobs}: one call, so that shared prefixes are computed once.
 */
final class Scores {
    private Scores() {}

    /** The most likely tokens at one scored position. */
    record Top(int[] ids, double[] logprobs) {}

    /** One request's result with its alternatives per continuation token ({@code top} null when none were asked). */
    record Scored(LoglikelihoodResult result, Top[] top) {}

    /**
     * Runs {@code call} with an observer collecting {@code topN} alternatives (none when 0). A runtime
     * that cannot show its distributions is asked again without: the values stand, the alternatives
     * are left out.
     */
    static List<Scored> score(int topN, Function<DistributionObserver, List<LoglikelihoodResult>> call) {
        Map<Long, Top> tops = new HashMap<>();
        DistributionObserver observer = topN == 0 ? null
                : (request, position, target, logits) -> tops.put(((long) request << 32) | position, top(logits, topN));
        List<LoglikelihoodResult> results;
        try {
            results = call.apply(observer);
        } catch (HarnessException e) {
            if (observer == null || e.exitCode() != HarnessException.UNSUPPORTED_MODEL) throw e;
            tops.clear();
            results = call.apply(null);
        }
        List<Scored> out = new ArrayList<>(results.size());
        for (int j = 0; j < results.size(); j++) {
            LoglikelihoodResult res = results.get(j);
            Top[] top = null;
            if (!tops.isEmpty()) {
                top = new Top[res.continuationTokens()];
                for (int t = 0; t < top.length; t++) top[t] = tops.get(((long) j << 32) | t);
            }
            out.add(new Scored(res, top));
        }
        return out;
    }

    static Top top(float[] logits, int n) {
        double logZ = LogProbs.logSumExp(logits);
        Integer[] order = new Integer[logits.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        // Partial selection would do; vocabularies are small enough for a sort per token.
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -logits[i]).thenComparingInt(i -> i));
        int k = Math.min(n, logits.length);
        int[] ids = new int[k];
        double[] lps = new double[k];
        for (int i = 0; i < k; i++) {
            ids[i] = order[i];
            lps[i] = logits[order[i]] - logZ;
        }
        return new Top(ids, lps);
    }
}
