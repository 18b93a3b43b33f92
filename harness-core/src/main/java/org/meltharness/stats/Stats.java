package org.meltharness.stats;

/** Pure functions of samples: means and lm-evaluation-harness's closed-form standard errors. */
public final class Stats {
    private Stats() {}

    public static double mean(double[] xs) {
        double sum = 0;
        for (double x : xs) sum += x;
        return sum / xs.length;
    }

    /** Sample standard deviation (n - 1 in the denominator). */
    public static double sampleStddev(double[] xs) {
        double mu = mean(xs);
        double ss = 0;
        for (double x : xs) ss += (x - mu) * (x - mu);
        return Math.sqrt(ss / (xs.length - 1));
    }

    /**
     * Standard error of the mean, {@code sample_stddev / sqrt(n)}; for 0/1 scores this is
     * {@code sqrt(p (1 - p) / (n - 1))}. NaN for fewer than two samples (lm-eval prints N/A).
     */
    public static double meanStderr(double[] xs) {
        if (xs.length < 2) return Double.NaN;
        return sampleStddev(xs) / Math.sqrt(xs.length);
    }

    /** The size-weighted mean of task means (lm-eval's {@code aggregate_subtask_metrics}). */
    public static double weightedMean(double[] means, long[] sizes) {
        double num = 0;
        long den = 0;
        for (int i = 0; i < means.length; i++) {
            num += means[i] * sizes[i];
            den += sizes[i];
        }
        return num / den;
    }

    /** lm-eval's {@code pooled_sample_stderr}: the group stderr of size-weighted task means. */
    public static double pooledStderr(double[] stderrs, long[] sizes) {
        double num = 0;
        long total = 0;
        for (int i = 0; i < stderrs.length; i++) {
            num += (sizes[i] - 1) * stderrs[i] * stderrs[i] * sizes[i];
            total += sizes[i];
        }
        double pooledVar = num / (total - stderrs.length);
        return Math.sqrt(pooledVar / total);
    }
}
