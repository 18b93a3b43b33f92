package org.meltharness.bench;

import java.util.List;
import org.meltharness.runtime.Generation;

/**
 * The timings of one generation, as MLPerf Client defines them. Rates that cannot be computed
 * (a single output token has no decode rate) are null, never 0.
 *
 * @param ttftMs time to first token: from the runtime's start of the request to the first token
 * @param prefillTokensPerSecond prompt tokens over the runtime's prefill time
 * @param decodeTokensPerSecond MLPerf Client's 2nd+ token rate: (n - 1) / (t_last - t_first)
 * @param latencyP50Ms percentiles of the gaps between consecutive output tokens
 * @param e2eMs the runtime call as the harness timed it, tokenisation and detokenisation included
 * @param tokenGapsMs those gaps themselves, so that a run's percentiles pool every turn's gaps
 *     (percentiles of turns do not average into a percentile of the run); null in older files
 */
public record TurnMetrics(
        int inputTokens,
        int outputTokens,
        Double ttftMs,
        Double prefillTokensPerSecond,
        Double decodeTokensPerSecond,
        Double latencyP50Ms,
        Double latencyP90Ms,
        Double latencyP99Ms,
        double e2eMs,
        List<Double> tokenGapsMs) {

    public TurnMetrics {
        tokenGapsMs = tokenGapsMs == null ? null : List.copyOf(tokenGapsMs);
    }

    public static TurnMetrics of(Generation g, long callNanos) {
        long[] t = g.tokenNanos();
        int n = g.tokens().length;
        Double ttft = n > 0 ? t[0] / 1e6 : null;
        Double prefill = g.prefillNanos() > 0 && g.promptTokens() > 0 ? g.promptTokens() / (g.prefillNanos() / 1e9) : null;
        double[] gaps = interTokenMillis(t, n);
        return new TurnMetrics(g.promptTokens(), n, ttft, prefill, decodeRate(t, n),
                boxed(Percentile.of(gaps, 50)), boxed(Percentile.of(gaps, 90)), boxed(Percentile.of(gaps, 99)), callNanos / 1e6,
                java.util.Arrays.stream(gaps).boxed().toList());
    }

    /** MLPerf Client's decode rate: tokens after the first over the time after the first; null below two tokens. */
    public static Double decodeRate(long[] tokenNanos, int n) {
        if (n < 2) return null;
        long span = tokenNanos[n - 1] - tokenNanos[0];
        return span > 0 ? (n - 1) / (span / 1e9) : null;
    }

    /** The n - 1 gaps between consecutive tokens, in milliseconds: the per-token latency of decoding. */
    static double[] interTokenMillis(long[] tokenNanos, int n) {
        double[] gaps = new double[Math.max(0, n - 1)];
        for (int i = 1; i < n; i++) gaps[i - 1] = (tokenNanos[i] - tokenNanos[i - 1]) / 1e6;
        return gaps;
    }

    private static Double boxed(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
