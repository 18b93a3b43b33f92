package org.meltharness.measure;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Reads probes, each on its own daemon thread at its own period, and timestamps what they return on
 * a monotonic clock. Opened with {@link #start}, closed with try-with-resources:
 *
 * <pre>{@code
 * try (Sampler s = Sampler.start(clock, Duration.ofMillis(100), probes)) { ...run... }
 * }</pre>
 *
 * <p>{@code start} returns once every probe has its first sample and {@code close} takes one more,
 * so any phase that begins after the one and ends before the other is covered at both edges. A
 * probe that cannot be read is listed in the recording's {@code unavailable} and skipped; one that
 * fails mid-run stops with a note, and the others go on.
 */
public final class Sampler implements AutoCloseable {
    private final MonotonicClock clock;
    private final long origin;
    private final List<Worker> workers = new ArrayList<>();
    private final Map<String, String> unavailable = new LinkedHashMap<>();
    private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Note> notes = new ConcurrentLinkedQueue<>();
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile long stopAt = Long.MAX_VALUE;
    private boolean closed;

    private Sampler(MonotonicClock clock) {
        this.clock = clock;
        this.origin = clock.nanos();
    }

    /** Samples every probe at the same period. */
    public static Sampler start(MonotonicClock clock, Duration period, List<? extends Probe> probes) {
        Builder b = builder(clock);
        for (Probe p : probes) b.add(p, period);
        return b.start();
    }

    public static Builder builder(MonotonicClock clock) {
        return new Builder(clock);
    }

    /**
     * A snapshot of everything collected so far, samples in time order. Taken after {@link #close},
     * it holds the reading that covers the end of the last phase.
     */
    public Recording recording() {
        List<Sample> s = new ArrayList<>(samples);
        s.sort(Comparator.comparingLong(Sample::tNanos)); // stable: each probe's own order is kept
        List<Note> n = new ArrayList<>(notes);
        n.sort(Comparator.comparingLong(Note::tNanos));
        synchronized (unavailable) {
            return new Recording(origin, s, n, unavailable);
        }
    }

    /** Stops every probe after one last reading at or after now; waits for their threads. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        stopAt = clock.nanos();
        stop.countDown();
        for (Worker w : workers) w.join(w.probe.selfPaced() ? w.periodNanos * 3 / 1_000_000 + 1000 : 2000);
        // A self-paced probe whose source has gone quiet is stopped under it, which ends its read.
        for (Worker w : workers) w.probe.stop();
        for (Worker w : workers) w.join(2000);
    }

    private void note(String source, String message) {
        notes.add(new Note(clock.nanos(), source, message));
    }

    private void begin(Probe probe, Duration period, Duration firstSampleTimeout) {
        var reason = probe.whyUnavailable();
        if (reason.isPresent()) {
            synchronized (unavailable) {
                unavailable.put(probe.name(), reason.get());
            }
            return;
        }
        try {
            probe.start(period);
        } catch (IOException | RuntimeException e) {
            synchronized (unavailable) {
                unavailable.put(probe.name(), "could not start: " + describe(e));
            }
            return;
        }
        Worker w = new Worker(probe, period.toNanos());
        workers.add(w);
        w.thread = Thread.ofPlatform().daemon().name("sampler-" + probe.name()).start(w);
        try {
            if (!w.first.await(firstSampleTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                note(probe.name(), "no first sample within " + firstSampleTimeout.toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One probe's thread. */
    private final class Worker implements Runnable {
        final Probe probe;
        final long periodNanos;
        final CountDownLatch first = new CountDownLatch(1);
        Thread thread;

        Worker(Probe probe, long periodNanos) {
            if (periodNanos <= 0) throw new IllegalArgumentException("sampling period must be positive: " + probe.name());
            this.probe = probe;
            this.periodNanos = periodNanos;
        }

        @Override
        public void run() {
            try {
                if (probe.selfPaced()) runSelfPaced();
                else runPolled();
            } finally {
                first.countDown();
            }
        }

        private void runPolled() {
            long next = clock.nanos();
            while (true) {
                long t = readStamped(true);
                if (t == Long.MIN_VALUE) return;
                if (stop.getCount() == 0) {
                    if (t >= stopAt) return; // the read after close(): windows ending before it are covered
                    continue; // close() came during this read: read once more
                }
                next += periodNanos;
                long now = clock.nanos();
                if (next <= now) next += ((now - next) / periodNanos + 1) * periodNanos; // a slow read skips ticks, never bunches them
                try {
                    // The stop latch, not an interrupt, ends the wait: an interrupt would also break a
                    // file read under way (FileChannel reads are interruptible), losing the last sample.
                    stop.await(next - now, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void runSelfPaced() {
            while (true) {
                long t = readStamped(false);
                if (t == Long.MIN_VALUE) return;
                if (t >= stopAt) return;
            }
        }

        /** One read; returns its timestamp, or MIN_VALUE when the probe has stopped. */
        private long readStamped(boolean midpoint) {
            long before = clock.nanos();
            List<Reading> readings;
            try {
                readings = probe.read(message -> note(probe.name(), message));
            } catch (IOException | RuntimeException e) {
                // Stopping a process-backed probe ends its read with an exception: that is no failure.
                if (stop.getCount() != 0) note(probe.name(), "stopped: " + describe(e));
                return Long.MIN_VALUE;
            }
            long after = clock.nanos();
            // A polled read (an adb round trip can take tens of ms) is best placed at its midpoint;
            // a self-paced read returns when the value arrives.
            long t = midpoint ? before + (after - before) / 2 : after;
            for (Reading r : readings) samples.add(new Sample(t, probe.name(), r.channel(), r.quantity(), r.value()));
            first.countDown();
            return t;
        }

        void join(long millis) {
            try {
                thread.join(Math.max(1, millis));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static String describe(Exception e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.strip();
    }

    /** Probes with their periods. */
    public static final class Builder {
        private final MonotonicClock clock;
        private final List<Probe> probes = new ArrayList<>();
        private final List<Duration> periods = new ArrayList<>();
        private Duration firstSampleTimeout = Duration.ofSeconds(5);

        private Builder(MonotonicClock clock) {
            this.clock = clock;
        }

        public Builder add(Probe probe, Duration period) {
            if (!period.isPositive()) throw new IllegalArgumentException("sampling period must be positive: " + period);
            // The name is the samples' source: two probes with one name would mix their series.
            for (Probe p : probes) {
                if (p.name().equals(probe.name())) throw new IllegalArgumentException("two probes named " + probe.name());
            }
            probes.add(probe);
            periods.add(period);
            return this;
        }

        /** How long {@link #start} waits for each probe's first sample (nvidia-smi takes a moment to start). */
        public Builder firstSampleTimeout(Duration timeout) {
            this.firstSampleTimeout = timeout;
            return this;
        }

        public Sampler start() {
            Sampler s = new Sampler(clock);
            for (int i = 0; i < probes.size(); i++) s.begin(probes.get(i), periods.get(i), firstSampleTimeout);
            return s;
        }
    }
}
