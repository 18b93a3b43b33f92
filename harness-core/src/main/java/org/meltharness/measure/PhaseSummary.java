package org.meltharness.measure;

import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * One flat row per phase window and power meter: time, energy, temperature and memory. Fields that
 * were not measured are null, so JSON leaves them out and CSV leaves the cell empty; energy that is
 * unavailable has null joules and a reason in {@code energyUnavailable}, never 0.
 *
 * @param startSeconds the window's start, seconds after sampling began
 * @param scope what the meter covers ({@link PowerMeter.Scope}), lower case
 * @param startCelsius the hottest temperature sensor at the window's start
 * @param hottestSensor the sensor hottest at the window's end ({@code source/channel})
 * @param peakResidentBytes the highest resident set sampled in the window, the readings just outside
 *     it included, so a window shorter than the sampling period still has one
 * @param kvCacheBytes the KV cache's size as the runtime reports it
 */
public record PhaseSummary(
        String phase,
        double startSeconds,
        double durationSeconds,
        String meter,
        String scope,
        Double joules,
        Double meanWatts,
        Double maxWatts,
        Long tokens,
        Double joulesPerToken,
        String energyUnavailable,
        Double startCelsius,
        Double endCelsius,
        String hottestSensor,
        Long peakResidentBytes,
        Long kvCacheBytes) {

    /** Summarises one window of a recording for one meter. */
    public static PhaseSummary of(PhaseWindow window, MeterTrace meter, Recording recording, OptionalLong tokens,
            OptionalLong kvCacheBytes) {
        Energy e = EnergyIntegrator.integrate(meter, window, tokens);
        Hottest start = hottest(recording, window.startNanos());
        Hottest end = hottest(recording, window.endNanos());
        String sensor = end.sensor != null ? end.sensor : start.sensor;
        return new PhaseSummary(
                window.name(),
                (window.startNanos() - recording.originNanos()) / 1e9,
                window.durationSeconds(),
                meter.meter(),
                meter.scope().name().toLowerCase(java.util.Locale.ROOT),
                boxed(e.joules()),
                boxed(e.meanWatts()),
                boxed(e.maxWatts()),
                tokens.isPresent() ? tokens.getAsLong() : null,
                boxed(e.joulesPerToken()),
                e.unavailable().orElse(null),
                start.celsius,
                end.celsius,
                sensor,
                peakResident(recording, window),
                kvCacheBytes.isPresent() ? kvCacheBytes.getAsLong() : null);
    }

    private record Hottest(String sensor, Double celsius) {}

    private static Hottest hottest(Recording r, long t) {
        String sensor = null;
        Double max = null;
        for (TimeSeries s : r.series(Quantity.TEMPERATURE)) {
            OptionalDouble v = s.valueAt(t);
            if (v.isEmpty()) v = s.lastAtOrBefore(t); // a sensor dropped before t: its last value, not nothing
            if (v.isPresent() && (max == null || v.getAsDouble() > max)) {
                max = v.getAsDouble();
                sensor = s.name();
            }
        }
        return new Hottest(sensor, max);
    }

    private static Long peakResident(Recording r, PhaseWindow w) {
        Long peak = null;
        for (TimeSeries s : r.series(Quantity.BYTES)) {
            if (!s.name().endsWith("/" + MemoryProbe.RSS)) continue;
            int from = Math.max(0, s.firstAfter(w.startNanos() - 1) - 1); // the reading just before the window
            int to = Math.min(s.size() - 1, s.firstAfter(w.endNanos() - 1)); // and the one just after it
            for (int i = from; i <= to && i < s.size(); i++) {
                long v = (long) s.value(i);
                if (peak == null || v > peak) peak = v;
            }
        }
        return peak;
    }

    private static Double boxed(OptionalDouble d) {
        return d.isPresent() ? d.getAsDouble() : null;
    }
}
