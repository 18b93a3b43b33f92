package org.meltharness.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class SamplerTest {
    /** A probe that counts its reads and remembers the threads that made them. */
    static class Counting implements Probe {
        final String name;
        final AtomicInteger reads = new AtomicInteger();
        final Set<Thread> threads = ConcurrentHashMap.newKeySet();
        final int failAt;

        Counting(String name) {
            this(name, Integer.MAX_VALUE);
        }

        Counting(String name, int failAt) {
            this.name = name;
            this.failAt = failAt;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Optional<String> whyUnavailable() {
            return Optional.empty();
        }

        @Override
        public List<Reading> read(Consumer<String> notes) throws IOException {
            threads.add(Thread.currentThread());
            int n = reads.incrementAndGet();
            if (n >= failAt) throw new IOException("device went away");
            return List.of(new Reading("c", Quantity.POWER, n));
        }
    }

    /** Waits (at most 5 s) until the sampler has at least {@code n} samples. */
    static void awaitSamples(Sampler s, int n) throws InterruptedException {
        await(() -> s.recording().samples().size() >= n, "at least " + n + " samples");
    }

    /** Waits until {@code done} holds, failing after 5 s: a sampler that stopped reading must fail the test, not hang it. */
    static void await(java.util.function.BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not " + what + " after 5 s");
            Thread.sleep(2);
        }
    }

    @Test
    void eachProbeRunsOnItsOwnDaemonThreadAtItsOwnRate() throws Exception {
        Counting fast = new Counting("fast");
        Counting slow = new Counting("slow");
        Recording r;
        try (Sampler s = Sampler.builder(MonotonicClock.system()).add(fast, Duration.ofMillis(2)).add(slow, Duration.ofMillis(40)).start()) {
            await(() -> fast.reads.get() >= 30, "30 fast reads");
            r = s.recording();
        }
        assertEquals(1, fast.threads.size());
        assertEquals(1, slow.threads.size());
        Thread f = fast.threads.iterator().next();
        assertFalse(f == slow.threads.iterator().next(), "one thread per probe");
        assertTrue(f.isDaemon() && f.getName().equals("sampler-fast"), f.toString());
        var fs = r.series("fast", "c", Quantity.POWER);
        var ss = r.series("slow", "c", Quantity.POWER);
        long fastest = Long.MAX_VALUE;
        for (int i = 1; i < fs.size(); i++) {
            assertTrue(fs.time(i) > fs.time(i - 1), "monotonic timestamps");
            fastest = Math.min(fastest, fs.time(i) - fs.time(i - 1));
        }
        // The last slow sample is the one close() takes, at any moment: only the ticks between count.
        for (int i = 1; i < ss.size() - 1; i++) {
            // Ticks a slow read misses are skipped, never caught up in a burst (a burst reads back to back;
            // a tick delayed by a busy machine comes early after the previous one by less than the period).
            assertTrue(ss.time(i) - ss.time(i - 1) > 10_000_000L, "slow read again after " + (ss.time(i) - ss.time(i - 1)) + " ns");
        }
        assertTrue(fastest < 30_000_000L, "the fast probe is not held to the slow one's rate");
        assertEquals(fs.size(), (int) fs.value(fs.size() - 1), "samples kept in read order");
    }

    @Test
    void startWaitsForAFirstSampleAndCloseTakesOneMore() {
        Counting p = new Counting("p");
        long begin;
        long end;
        // A period far beyond the test: only the reads at start and at close happen.
        Sampler s = Sampler.start(MonotonicClock.system(), Duration.ofHours(1), List.of(p));
        begin = System.nanoTime();
        assertEquals(1, p.reads.get(), "start() returns after the first sample");
        end = System.nanoTime();
        s.close();
        long closedIn = System.nanoTime() - end;
        s.close();
        Recording r = s.recording();
        assertEquals(2, p.reads.get(), "close() read once more, and a second close() did nothing");
        var series = r.series("p", "c", Quantity.POWER);
        assertTrue(series.time(0) <= begin, "a phase beginning after start() is covered at its start");
        assertTrue(series.time(1) >= end, "and one ending before close() at its end");
        assertTrue(closedIn < 1_000_000_000L, "close() wakes the sleeping thread instead of waiting out the period");
        assertTrue(r.originNanos() <= series.time(0));
    }

    @Test
    void readsAreStampedAtTheirMidpoint() {
        FakeClock clock = new FakeClock();
        Probe slowAdb = new Counting("adb") {
            @Override
            public List<Reading> read(Consumer<String> notes) throws IOException {
                clock.advance(Duration.ofMillis(30)); // an adb round trip
                return super.read(notes);
            }
        };
        long origin = clock.nanos();
        Recording r;
        try (Sampler s = Sampler.start(clock, Duration.ofHours(1), List.of(slowAdb))) {
            r = s.recording();
        }
        assertEquals(origin, r.originNanos());
        assertEquals(origin + 15_000_000L, r.samples().getFirst().tNanos());
    }

    @Test
    void twoProbesWithOneNameAreRefused() {
        var b = Sampler.builder(MonotonicClock.system()).add(new Counting("x"), Duration.ofMillis(5));
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> b.add(new Counting("x"), Duration.ofMillis(5)));
        assertEquals("two probes named x", e.getMessage());
    }

    @Test
    void anUnavailableProbeIsListedAndNeverRead() {
        Counting absent = new Counting("absent") {
            @Override
            public Optional<String> whyUnavailable() {
                return Optional.of("no such sensor here");
            }
        };
        Counting failsToStart = new Counting("broken") {
            @Override
            public void start(Duration period) throws IOException {
                throw new IOException("cannot run it");
            }
        };
        Recording r;
        try (Sampler s = Sampler.start(MonotonicClock.system(), Duration.ofMillis(5), List.of(absent, failsToStart))) {
            r = s.recording();
        }
        assertEquals(Map.of("absent", "no such sensor here", "broken", "could not start: cannot run it"), r.unavailable());
        assertEquals(0, absent.reads.get() + failsToStart.reads.get());
        assertEquals(List.of(), r.samples());
    }

    @Test
    void aProbeThatFailsStopsWithANoteAndTheOthersGoOn() throws Exception {
        Counting failing = new Counting("failing", 3);
        Counting healthy = new Counting("healthy");
        Recording r;
        try (Sampler s = Sampler.start(MonotonicClock.system(), Duration.ofMillis(3), List.of(failing, healthy))) {
            await(() -> !s.recording().notes().isEmpty(), "a note of the failing probe");
            int after = healthy.reads.get();
            await(() -> healthy.reads.get() >= after + 3, "3 more healthy reads");
            r = s.recording();
        }
        assertEquals(3, failing.reads.get(), "not read again after it failed");
        assertEquals(2, r.series("failing", "c", Quantity.POWER).size());
        assertEquals(1, r.notes().size());
        Note n = r.notes().getFirst();
        assertEquals("failing", n.source());
        assertEquals("stopped: device went away", n.message());
        var h = r.series("healthy", "c", Quantity.POWER);
        assertTrue(h.time(h.size() - 1) > n.tNanos());
    }
}
