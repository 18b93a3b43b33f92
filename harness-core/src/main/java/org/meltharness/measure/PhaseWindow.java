package org.meltharness.measure;

/** A named stretch [startNanos, endNanos) of a run's monotonic clock: load, prefill, decode, a turn. */
public record PhaseWindow(String name, long startNanos, long endNanos) {
    public PhaseWindow {
        if (endNanos <= startNanos) {
            throw new IllegalArgumentException("phase '" + name + "' ends (" + endNanos + ") before it starts (" + startNanos + ")");
        }
    }

    public long durationNanos() {
        return endNanos - startNanos;
    }

    public double durationSeconds() {
        return durationNanos() / 1e9;
    }
}
