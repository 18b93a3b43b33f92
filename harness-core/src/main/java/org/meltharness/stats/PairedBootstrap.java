package org.meltharness.stats;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A percentile confidence interval for the difference of two runs' means over the same documents,
 * resampling documents (pairs) with replacement: it keeps the pairing, so it is far tighter than
 * comparing two independent stderrs when the runs agree on most documents.
 *
 * @param delta mean(B) - mean(A) on the documents as they are
 */
public record PairedBootstrap(double delta, double low, double high, double level, int iterations) {

    /** A {@code level} (e.g. 0.95) interval from {@code iterations} resamples drawn from {@code seed}. */
    public static PairedBootstrap of(double[] a, double[] b, int iterations, double level, long seed) {
        if (a.length != b.length || a.length == 0) throw new IllegalArgumentException("need the same, non-empty documents");
        int n = a.length;
        double[] d = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            d[i] = b[i] - a[i];
            sum += d[i];
        }
        SplittableRandom r = new SplittableRandom(seed);
        double[] means = new double[iterations];
        for (int it = 0; it < iterations; it++) {
            double s = 0;
            for (int i = 0; i < n; i++) s += d[r.nextInt(n)];
            means[it] = s / n;
        }
        Arrays.sort(means);
        double tail = (1 - level) / 2;
        return new PairedBootstrap(sum / n, quantile(means, tail), quantile(means, 1 - tail), level, iterations);
    }

    /** Linear interpolation between order statistics (numpy's default). */
    public static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
