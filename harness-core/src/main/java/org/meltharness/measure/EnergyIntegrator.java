package org.meltharness.measure;

import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Joules inside a phase window: power readings integrated by the trapezoid rule, energy counters
 * differenced, both interpolated linearly at the window's edges. A window the readings do not reach
 * on both sides is unavailable, with the reason: never extrapolated, never zero.
 */
public final class EnergyIntegrator {
    private EnergyIntegrator() {}

    /** The meter's total over the window, per token when {@code tokens} is given. */
    public static Energy integrate(MeterTrace meter, PhaseWindow window, OptionalLong tokens) {
        if (meter.unavailable().isPresent()) {
            return Energy.unavailable(window.name(), meter.meter(), tokens, meter.unavailable().get());
        }
        return integrate(meter.meter(), meter.total(), window, tokens);
    }

    /** One series (power in watts, or a cumulative energy counter in joules) over the window. */
    public static Energy integrate(String meter, TimeSeries series, PhaseWindow window, OptionalLong tokens) {
        if (!series.quantity().isEnergy()) throw new IllegalArgumentException(series.name() + " is " + series.quantity() + ", not power or energy");
        long a = window.startNanos();
        long b = window.endNanos();
        int n = series.size();
        String where = meter + " in phase '" + window.name() + "'";
        if (n == 0) return Energy.unavailable(window.name(), meter, tokens, "no readings from " + meter);
        if (series.time(0) > a) {
            return Energy.unavailable(window.name(), meter, tokens,
                    "no reading at or before the start of " + where + " (the first is " + seconds(series.time(0) - a) + " after it)");
        }
        if (series.time(n - 1) < b) {
            return Energy.unavailable(window.name(), meter, tokens,
                    "no reading at or after the end of " + where + " (the last is " + seconds(b - series.time(n - 1)) + " before it)");
        }
        int inside = series.firstAfter(b - 1) - series.firstAfter(a - 1); // readings with a <= t < b
        double joules;
        double max;
        if (series.quantity() == Quantity.ENERGY) {
            joules = series.valueAt(b).getAsDouble() - series.valueAt(a).getAsDouble();
            if (joules < 0) {
                return Energy.unavailable(window.name(), meter, tokens, "energy counter of " + meter + " went backwards in phase '" + window.name() + "'");
            }
            max = maxCounterPower(series, a, b);
        } else {
            double pa = series.valueAt(a).getAsDouble();
            double pb = series.valueAt(b).getAsDouble();
            double sum = 0; // watt-nanoseconds
            max = Math.max(pa, pb);
            long prevT = a;
            double prevP = pa;
            for (int i = series.firstAfter(a); i < n && series.time(i) < b; i++) {
                sum += (series.time(i) - prevT) * (prevP + series.value(i)) / 2;
                max = Math.max(max, series.value(i));
                prevT = series.time(i);
                prevP = series.value(i);
            }
            sum += (b - prevT) * (prevP + pb) / 2;
            joules = sum / 1e9;
        }
        return new Energy(window.name(), meter, OptionalDouble.of(joules), OptionalDouble.of(joules / window.durationSeconds()),
                OptionalDouble.of(max), tokens, inside, Optional.empty());
    }

    /** The steepest stretch between consecutive counter readings that overlaps (a, b). */
    private static double maxCounterPower(TimeSeries s, long a, long b) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = Math.max(1, s.firstAfter(a)); i < s.size(); i++) {
            long t0 = s.time(i - 1);
            long t1 = s.time(i);
            if (t0 >= b) break;
            if (t1 > t0) max = Math.max(max, (s.value(i) - s.value(i - 1)) / ((t1 - t0) / 1e9));
        }
        return max == Double.NEGATIVE_INFINITY ? 0 : max;
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.3f s", nanos / 1e9);
    }
}
