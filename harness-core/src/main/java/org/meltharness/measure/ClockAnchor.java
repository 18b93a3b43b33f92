package org.meltharness.measure;

import java.time.Duration;
import java.time.Instant;

/**
 * One moment read on both the wall clock and a run's monotonic clock, so that something timed by
 * the wall clock elsewhere (a power monitor's capture start) can be placed on the run's clock.
 */
public record ClockAnchor(Instant wall, long nanos) {

    /** Both clocks read back to back; the error is the few microseconds between the two reads. */
    public static ClockAnchor now(MonotonicClock clock) {
        long before = clock.nanos();
        Instant wall = Instant.now();
        long after = clock.nanos();
        return new ClockAnchor(wall, before + (after - before) / 2);
    }

    /** The run clock's reading at wall-clock instant {@code t}. */
    public long nanosAt(Instant t) {
        return nanos + Duration.between(wall, t).toNanos();
    }
}
