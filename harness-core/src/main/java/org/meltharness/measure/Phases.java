package org.meltharness.measure;

import java.util.ArrayList;
import java.util.List;

/**
 * Records phase windows on a clock: {@code Phase p = phases.begin("prefill"); ...; p.end();}. A
 * phase is also AutoCloseable, so one that throws still gets its window.
 */
public final class Phases {
    private final MonotonicClock clock;
    private final List<PhaseWindow> windows = new ArrayList<>();

    public Phases(MonotonicClock clock) {
        this.clock = clock;
    }

    /** Starts a phase now; closing the returned handle ends it and records its window. */
    public Phase begin(String name) {
        return new Phase(name, clock.nanos());
    }

    /** The phases ended so far, in the order they ended. */
    public synchronized List<PhaseWindow> windows() {
        return List.copyOf(windows);
    }

    private synchronized void add(PhaseWindow w) {
        windows.add(w);
    }

    /** A phase under way. */
    public final class Phase implements AutoCloseable {
        private final String name;
        private final long start;
        private PhaseWindow window;

        private Phase(String name, long start) {
            this.name = name;
            this.start = start;
        }

        /** Ends the phase (once; later calls return the same window). */
        public PhaseWindow end() {
            if (window == null) {
                // A phase shorter than the clock's resolution still gets a window of one tick.
                window = new PhaseWindow(name, start, Math.max(clock.nanos(), start + 1));
                add(window);
            }
            return window;
        }

        @Override
        public void close() {
            end();
        }
    }
}
