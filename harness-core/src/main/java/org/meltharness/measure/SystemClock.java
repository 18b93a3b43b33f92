package org.meltharness.measure;

import java.time.Duration;

/** The JVM's monotonic clock; an enum so there is exactly one, with no state. */
enum SystemClock implements MonotonicClock {
    INSTANCE;

    @Override
    public long nanos() {
        return System.nanoTime();
    }

    @Override
    public void sleep(Duration duration) throws InterruptedException {
        if (duration.isPositive()) Thread.sleep(duration);
    }
}
