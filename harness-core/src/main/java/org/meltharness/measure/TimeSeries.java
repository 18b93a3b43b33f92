package org.meltharness.measure;

import java.util.Arrays;
import java.util.OptionalDouble;

/**
 * One channel's values over time in primitive arrays, so a Monsoon trace of millions of rows stays
 * small. Times are non-decreasing run-clock nanoseconds; equal times are allowed.
 */
public final class TimeSeries {
    private final String name;
    private final Quantity quantity;
    private final long[] t;
    private final double[] v;

    public TimeSeries(String name, Quantity quantity, long[] tNanos, double[] values) {
        this(name, quantity, tNanos.clone(), values.clone(), true);
    }

    /** Takes the arrays as they are: for builders that already own them. */
    TimeSeries(String name, Quantity quantity, long[] tNanos, double[] values, boolean check) {
        if (tNanos.length != values.length) {
            throw new IllegalArgumentException(name + ": " + tNanos.length + " times but " + values.length + " values");
        }
        if (check) {
            for (int i = 1; i < tNanos.length; i++) {
                if (tNanos[i] < tNanos[i - 1]) throw new IllegalArgumentException(name + ": times go backwards at index " + i);
            }
        }
        this.name = name;
        this.quantity = quantity;
        this.t = tNanos;
        this.v = values;
    }

    public String name() {
        return name;
    }

    public Quantity quantity() {
        return quantity;
    }

    public int size() {
        return t.length;
    }

    public boolean isEmpty() {
        return t.length == 0;
    }

    public long time(int i) {
        return t[i];
    }

    public double value(int i) {
        return v[i];
    }

    /** The value at {@code tNanos}, linear between the samples around it; empty outside the series. */
    public OptionalDouble valueAt(long tNanos) {
        if (t.length == 0 || tNanos < t[0] || tNanos > t[t.length - 1]) return OptionalDouble.empty();
        int i = firstAfter(tNanos); // t[i-1] <= tNanos < t[i], or i == length
        if (i == t.length) return OptionalDouble.of(v[t.length - 1]);
        long t0 = t[i - 1];
        long t1 = t[i];
        double f = (double) (tNanos - t0) / (t1 - t0);
        return OptionalDouble.of(v[i - 1] + f * (v[i] - v[i - 1]));
    }

    /** The last value read at or before {@code tNanos}; empty when the series starts after it. */
    public OptionalDouble lastAtOrBefore(long tNanos) {
        int i = firstAfter(tNanos);
        return i == 0 ? OptionalDouble.empty() : OptionalDouble.of(v[i - 1]);
    }

    /** Index of the first sample strictly after {@code tNanos} (binary search; length when none). */
    int firstAfter(long tNanos) {
        int lo = 0;
        int hi = t.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (t[mid] <= tNanos) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    @Override
    public String toString() {
        return "TimeSeries[" + name + ", " + quantity + ", " + t.length + " samples"
                + (t.length > 0 ? ", t " + t[0] + ".." + t[t.length - 1] : "") + "]";
    }

    /** Collects a series sample by sample. */
    static final class Builder {
        private final String name;
        private final Quantity quantity;
        private long[] t = new long[64];
        private double[] v = new double[64];
        private int n;

        Builder(String name, Quantity quantity) {
            this.name = name;
            this.quantity = quantity;
        }

        Builder add(long tNanos, double value) {
            if (n == t.length) {
                t = Arrays.copyOf(t, n * 2);
                v = Arrays.copyOf(v, n * 2);
            }
            t[n] = tNanos;
            v[n] = value;
            n++;
            return this;
        }

        int size() {
            return n;
        }

        long lastTime() {
            return t[n - 1];
        }

        TimeSeries build() {
            return new TimeSeries(name, quantity, Arrays.copyOf(t, n), Arrays.copyOf(v, n), true);
        }
    }
}
