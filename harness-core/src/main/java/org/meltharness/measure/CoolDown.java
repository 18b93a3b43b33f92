package org.meltharness.measure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Waits until the device has cooled below a temperature before a measured run ({@code --cooldown-to
 * 45}), so runs start from comparable thermal states. Every selected zone must be below the
 * threshold, which is to say the hottest of them.
 */
public final class CoolDown {
    private final ThermalProbe probe;
    private final Duration pollEvery;
    private final Predicate<String> zones;

    /** Every zone, polled once a second. */
    public CoolDown(ThermalProbe probe) {
        this(probe, Duration.ofSeconds(1), zone -> true);
    }

    /**
     * @param zones which zones count, by channel ({@code thermal_zone0:x86_pkg_temp}); a phone's
     *     battery zone, say, cools far slower than its CPU and may be left out
     */
    public CoolDown(ThermalProbe probe, Duration pollEvery, Predicate<String> zones) {
        if (!pollEvery.isPositive()) throw new IllegalArgumentException("poll interval must be positive: " + pollEvery);
        this.probe = probe;
        this.pollEvery = pollEvery;
        this.zones = zones;
    }

    /** How a wait for the threshold ended. */
    public enum Outcome {
        REACHED,
        TIMED_OUT,
        /** No selected zone could be read: nothing to wait for. */
        NO_SENSORS
    }

    /**
     * What happened.
     *
     * @param startCelsius the selected zones at the first poll
     * @param endCelsius the selected zones at the last poll
     */
    public record Result(Outcome outcome, double thresholdCelsius, Duration waited, Map<String, Double> startCelsius,
            Map<String, Double> endCelsius, List<String> notes) {
        public Result {
            startCelsius = Map.copyOf(startCelsius);
            endCelsius = Map.copyOf(endCelsius);
            notes = List.copyOf(notes);
        }

        public boolean reached() {
            return outcome == Outcome.REACHED;
        }

        /** The hottest zone at the last poll and its temperature. */
        public Optional<Map.Entry<String, Double>> hottestAtEnd() {
            return endCelsius.entrySet().stream().max(Map.Entry.comparingByValue());
        }
    }

    /** Polls until the hottest selected zone is below {@code celsius}, or {@code timeout} has passed. */
    public Result waitUntilBelow(double celsius, Duration timeout, MonotonicClock clock) throws InterruptedException {
        long start = clock.nanos();
        long deadline = start + timeout.toNanos();
        List<String> notes = new ArrayList<>();
        Map<String, Double> first = null;
        while (true) {
            Map<String, Double> now = new LinkedHashMap<>();
            for (Reading r : probe.read(notes::add)) {
                if (zones.test(r.channel())) now.put(r.channel(), r.value());
            }
            if (first == null) first = now;
            long t = clock.nanos();
            Duration waited = Duration.ofNanos(t - start);
            if (now.isEmpty()) return new Result(Outcome.NO_SENSORS, celsius, waited, first, now, notes);
            double hottest = now.values().stream().mapToDouble(Double::doubleValue).max().getAsDouble();
            if (hottest < celsius) return new Result(Outcome.REACHED, celsius, waited, first, now, notes);
            if (t >= deadline) return new Result(Outcome.TIMED_OUT, celsius, waited, first, now, notes);
            Duration left = Duration.ofNanos(deadline - t);
            clock.sleep(left.compareTo(pollEvery) < 0 ? left : pollEvery);
        }
    }
}
