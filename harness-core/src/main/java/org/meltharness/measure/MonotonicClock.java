package org.meltharness.measure;

import java.time.Duration;

/** A monotonic nanosecond clock that can also wait: the JVM's in a run, a fake one in tests. */
public interface MonotonicClock {
    /** Nanoseconds from an arbitrary origin; only differences between two readings mean anything. */
    long nanos();

    /** Waits about {@code duration}; a fake clock advances itself instead, so tests never wait. */
    void sleep(Duration duration) throws InterruptedException;

    /** {@link System#nanoTime()} and {@link Thread#sleep(Duration)}. */
    static MonotonicClock system() {
        return SystemClock.INSTANCE;
    }
}
