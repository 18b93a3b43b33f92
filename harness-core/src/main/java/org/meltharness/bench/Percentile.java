package org.meltharness.bench;

import java.util.Arrays;

/** Percentiles by linear interpolation between closest ranks (numpy's default, as MLPerf Client reports them). */
public final class Percentile {
    private Percentile() {}

    /**
     * The {@code p}-th percentile (0..100) of {@code values}; NaN when there are none.
     * The input is not modified.
     */
    public static double of(double[] values, double p) {
        if (p < 0 || p > 100) throw new IllegalArgumentException("percentile must be within 0..100: " + p);
        if (values.length == 0) return Double.NaN;
        double[] s = values.clone();
        Arrays.sort(s);
        double rank = p / 100.0 * (s.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = (int) Math.ceil(rank);
        return s[lo] + (rank - lo) * (s[hi] - s[lo]);
    }
}
