package org.meltharness.bench;

import java.time.Duration;
import org.meltharness.measure.MonotonicClock;

/** A clock that moves only when told to, so runner tests neither wait nor depend on timing. */
final class TestClock implements MonotonicClock {
    private long now = 1_000_000_000L;

    @Override
    public long nanos() {
        return now;
    }

    @Override
    public void sleep(Duration duration) {
        now += duration.toNanos();
    }

    void advance(long nanos) {
        now += nanos;
    }
}
