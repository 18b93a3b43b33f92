package org.meltharness.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.meltharness.HarnessException;
import org.meltharness.bench.BenchStatistics.MetricSummary;
import org.meltharness.runtime.Generation;

/** Percentiles, MLPerf Client's rates, and mean ± sd over repetitions. */
class BenchStatisticsTest {

    @Test
    void percentilesInterpolateLikeNumpy() {
        double[] v = {4, 1, 3, 2};
        assertEquals(2.5, Percentile.of(v, 50), 1e-12);
        assertEquals(3.7, Percentile.of(v, 90), 1e-12); // numpy.percentile([1,2,3,4], 90)
        assertEquals(3.97, Percentile.of(v, 99), 1e-12);
        assertEquals(1, Percentile.of(v, 0));
        assertEquals(4, Percentile.of(v, 100));
        assertEquals(7, Percentile.of(new double[] {7}, 99));
        assertTrue(Double.isNaN(Percentile.of(new double[0], 50)));
        assertEquals(4, v[0], "the input is left as it was");
        assertThrows(IllegalArgumentException.class, () -> Percentile.of(v, 101));
    }

    @Test
    void decodeRateIsMlperfClientsSecondTokenOnwardsRate() {
        long ms = 1_000_000L;
        // The first token at 500 ms (prefill), then one every 10 ms: the prefill does not dilute the rate.
        long[] t = {500 * ms, 510 * ms, 520 * ms, 530 * ms};
        assertEquals(100.0, TurnMetrics.decodeRate(t, 4), 1e-9);
        assertNull(TurnMetrics.decodeRate(t, 1), "one token has no decode rate");
        assertNull(TurnMetrics.decodeRate(new long[0], 0));
    }

    @Test
    void turnMetricsFromAGeneration() {
        long ms = 1_000_000L;
        Generation g = new Generation("abc", new int[] {5, 6, 7, 8, 9}, new long[] {50 * ms, 60 * ms, 70 * ms, 90 * ms, 100 * ms}, 20,
                40 * ms, 101 * ms, Generation.FinishReason.MAX_TOKENS);
        TurnMetrics m = TurnMetrics.of(g, 105 * ms);
        assertEquals(20, m.inputTokens());
        assertEquals(5, m.outputTokens());
        assertEquals(50.0, m.ttftMs(), 1e-9);
        assertEquals(500.0, m.prefillTokensPerSecond(), 1e-9); // 20 tokens in 40 ms
        assertEquals(80.0, m.decodeTokensPerSecond(), 1e-9); // 4 tokens in 50 ms
        // gaps 10, 10, 20, 10 ms
        assertEquals(10.0, m.latencyP50Ms(), 1e-9);
        assertEquals(17.0, m.latencyP90Ms(), 1e-9);
        assertEquals(19.7, m.latencyP99Ms(), 1e-9);
        assertEquals(105.0, m.e2eMs(), 1e-9);

        TurnMetrics one = TurnMetrics.of(new Generation("", new int[] {1}, new long[] {ms}, 3, 0, ms, Generation.FinishReason.MAX_TOKENS), ms);
        assertNull(one.decodeTokensPerSecond());
        assertNull(one.latencyP50Ms());
        assertNull(one.prefillTokensPerSecond(), "no prefill time reported: no rate, not infinity");
    }

    @Test
    void repetitionsGiveMeanAndSdWarmUpLeftOut() {
        List<TurnRecord> turns = new ArrayList<>();
        turns.add(turn(0, true, 1000.0)); // a slow warm-up must not count
        turns.add(turn(0, false, 10.0));
        turns.add(turn(0, false, 30.0)); // repetition 0: mean 20
        turns.add(turn(1, false, 40.0));
        turns.add(turn(1, false, 40.0)); // repetition 1: mean 40
        List<MetricSummary> m = BenchStatistics.metrics(turns);
        MetricSummary decode = BenchStatistics.find(m, "chat", "decode_tok_s").orElseThrow();
        assertEquals(30.0, decode.mean(), 1e-12);
        assertEquals(Math.sqrt(200), decode.sd(), 1e-12); // sample sd of {20, 40}
        assertEquals(2, decode.n());
        assertTrue(BenchStatistics.find(m, "chat", "latency_p50_ms").isEmpty(), "no turn had a value: no row, not 0");

        MeanSd single = MeanSd.of(new double[] {3, Double.NaN});
        assertEquals(3, single.mean());
        assertNull(single.sd(), "one value has no spread");
        assertEquals("3.0", single.format("%.1f"));
        assertEquals("30.0 ± 14.1", new MeanSd(decode.mean(), decode.sd(), 2).format("%.1f"));
        assertNull(MeanSd.of(new double[0]));

        var positions = BenchStatistics.perPosition(turns);
        assertEquals(1, positions.size(), "one conversation turn, repeated");
        assertEquals(30.0, positions.getFirst().decodeTokensPerSecond().mean(), 1e-12);
        assertEquals(4, positions.getFirst().decodeTokensPerSecond().n());
    }

    @Test
    void tokenLatencyPercentilesPoolTheGapsOfAllTurnsOfARepetition() {
        // A long turn of steady 10 ms gaps and a short turn of one 100 ms gap: the turns' own medians
        // are 10 and 100 (mean 55), but the median gap of the repetition is 10.
        TurnMetrics steady = new TurnMetrics(10, 5, 20.0, null, null, 10.0, 10.0, 10.0, 60, List.of(10.0, 10.0, 10.0, 10.0));
        TurnMetrics slow = new TurnMetrics(10, 2, 20.0, null, null, 100.0, 100.0, 100.0, 120, List.of(100.0));
        List<TurnRecord> turns = List.of(new TurnRecord("chat", 0, 0, 0, false, 0, steady, "max_tokens", null, null, List.of(), null, null),
                new TurnRecord("chat", 0, 1, 0, false, 0, slow, "max_tokens", null, null, List.of(), null, null));
        List<MetricSummary> m = BenchStatistics.metrics(turns);
        assertEquals(10.0, BenchStatistics.find(m, "chat", "latency_p50_ms").orElseThrow().mean(), 1e-12);
        // numpy.percentile([10, 10, 10, 10, 100], 99) = 96.4
        assertEquals(96.4, BenchStatistics.find(m, "chat", "latency_p99_ms").orElseThrow().mean(), 1e-9);
    }

    private static TurnRecord turn(int rep, boolean warmup, Double decode) {
        TurnMetrics m = new TurnMetrics(10, 5, 20.0, 100.0, decode, null, null, null, 50, null);
        return new TurnRecord("chat", 0, 0, rep, warmup, 0, m, "max_tokens", null, null, List.of(1, 2), null, null);
    }

    @Test
    void durationsAsTyped() {
        assertEquals(Duration.ofMinutes(10), Durations.parse("10m"));
        assertEquals(Duration.ofSeconds(90), Durations.parse("1m30s"));
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofMinutes(90), Durations.parse("1h30m"));
        assertEquals(Duration.ofMillis(2500), Durations.parse("2.5"));
        assertThrows(HarnessException.class, () -> Durations.parse("10 minutes"));
        assertThrows(HarnessException.class, () -> Durations.parse("m10"));
    }
}
