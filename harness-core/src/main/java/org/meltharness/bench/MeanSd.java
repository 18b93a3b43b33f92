package org.meltharness.bench;

import java.util.Arrays;
import java.util.Locale;
import org.meltharness.stats.Stats;

/**
 * Mean and sample standard deviation of repeated measurements; {@code sd} is null for a single
 * value (there is no spread to report, and 0 would claim one was measured).
 */
public record MeanSd(double mean, Double sd, int n) {

    /** Of the finite values; null when there are none. */
    public static MeanSd of(double[] values) {
        double[] v = Arrays.stream(values).filter(Double::isFinite).toArray();
        if (v.length == 0) return null;
        return new MeanSd(Stats.mean(v), v.length > 1 ? Stats.sampleStddev(v) : null, v.length);
    }

    /** "12.3 ± 0.4", or "12.3" when there is one value. */
    public String format(String pattern) {
        String m = String.format(Locale.ROOT, pattern, mean);
        return sd == null ? m : m + " ± " + String.format(Locale.ROOT, pattern, sd);
    }
}
