package org.meltharness.measure;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/** A clock that moves only when told to or when something sleeps on it; sleeping runs a hook (to rewrite fixtures). */
final class FakeClock implements MonotonicClock {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final Consumer<FakeClock> onSleep;
    private int sleeps;

    FakeClock() {
        this(c -> {});
    }

    FakeClock(Consumer<FakeClock> onSleep) {
        this.onSleep = onSleep;
    }

    @Override
    public long nanos() {
        return now.get();
    }

    @Override
    public void sleep(Duration duration) {
        now.addAndGet(duration.toNanos());
        sleeps++;
        onSleep.accept(this);
    }

    void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    int sleeps() {
        return sleeps;
    }
}
