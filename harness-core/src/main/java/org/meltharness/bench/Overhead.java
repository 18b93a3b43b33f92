package org.meltharness.bench;

/**
 * The harness's own share of a bench run: wall time of the measured generation loop (model load,
 * warm-up and cool-down waits excluded) less the time spent inside the runtime's calls. What is
 * left is chat templating, bookkeeping, temperature reads, result writing and progress. The
 * warm-up's share, which also pays for warming the harness's own code, is kept apart.
 *
 * @param warmupSeconds wall time of the warm-up turns' loop
 * @param warmupOverheadSeconds the part of it outside the runtime's calls
 */
public record Overhead(double loopSeconds, double runtimeSeconds, double overheadSeconds, Double fraction, double warmupSeconds,
        double warmupOverheadSeconds) {

    public static Overhead of(long loopNanos, long runtimeNanos, long warmupLoopNanos, long warmupRuntimeNanos) {
        long outside = Math.max(0, loopNanos - runtimeNanos);
        return new Overhead(loopNanos / 1e9, runtimeNanos / 1e9, outside / 1e9, loopNanos > 0 ? (double) outside / loopNanos : null,
                warmupLoopNanos / 1e9, Math.max(0, warmupLoopNanos - warmupRuntimeNanos) / 1e9);
    }
}
