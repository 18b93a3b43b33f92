package org.meltharness.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Aggregates measured turns: each repetition is averaged over its turns, and the repetitions give
 * mean ± sd, so the spread is that between repeated runs (warm-up turns are left out).
 */
public final class BenchStatistics {
    private BenchStatistics() {}

    /**
     * A metric of a turn: name, unit and how to read it (null when the turn has no value).
     *
     * @param pooledPercentile for token latencies: a repetition's value is this percentile of the
     *     gaps of all its turns together, not the mean of the turns' own percentiles
     */
    public record Metric(String name, String unit, Function<TurnMetrics, Double> value, Double pooledPercentile) {
        Metric(String name, String unit, Function<TurnMetrics, Double> value) {
            this(name, unit, value, null);
        }
    }

    public static final List<Metric> METRICS = List.of(
            new Metric("input_tokens", "tokens", m -> (double) m.inputTokens()),
            new Metric("output_tokens", "tokens", m -> (double) m.outputTokens()),
            new Metric("ttft_ms", "ms", TurnMetrics::ttftMs),
            new Metric("prefill_tok_s", "tok/s", TurnMetrics::prefillTokensPerSecond),
            new Metric("decode_tok_s", "tok/s", TurnMetrics::decodeTokensPerSecond),
            new Metric("latency_p50_ms", "ms", TurnMetrics::latencyP50Ms, 50.0),
            new Metric("latency_p90_ms", "ms", TurnMetrics::latencyP90Ms, 90.0),
            new Metric("latency_p99_ms", "ms", TurnMetrics::latencyP99Ms, 99.0),
            new Metric("e2e_ms", "ms", TurnMetrics::e2eMs));

    /**
     * One metric of one kind of turn over the repetitions.
     *
     * @param n repetitions that had a value
     */
    public record MetricSummary(String kind, String metric, String unit, double mean, Double sd, int n) {}

    /** Every metric of every kind of turn, in the order of {@link #METRICS}. */
    public static List<MetricSummary> metrics(List<TurnRecord> turns) {
        Map<String, Map<Integer, List<TurnRecord>>> byKind = new LinkedHashMap<>();
        for (TurnRecord t : turns) {
            if (t.warmup()) continue;
            byKind.computeIfAbsent(t.kind(), k -> new TreeMap<>()).computeIfAbsent(t.repetition(), r -> new ArrayList<>()).add(t);
        }
        List<MetricSummary> out = new ArrayList<>();
        for (var kind : byKind.entrySet()) {
            for (Metric m : METRICS) {
                double[] perRepetition = kind.getValue().values().stream().mapToDouble(rep -> meanOf(rep, m)).toArray();
                MeanSd s = MeanSd.of(perRepetition);
                if (s != null) out.add(new MetricSummary(kind.getKey(), m.name(), m.unit(), s.mean(), s.sd(), s.n()));
            }
        }
        return out;
    }

    /** A repetition's value of a metric: the mean over turns that have it (or the pooled percentile); NaN when none has. */
    static double meanOf(List<TurnRecord> turns, Metric m) {
        if (m.pooledPercentile() != null && turns.stream().allMatch(t -> t.metrics().tokenGapsMs() != null)) {
            double[] gaps = turns.stream().flatMap(t -> t.metrics().tokenGapsMs().stream()).mapToDouble(Double::doubleValue).toArray();
            return Percentile.of(gaps, m.pooledPercentile());
        }
        double sum = 0;
        int n = 0;
        for (TurnRecord t : turns) {
            Double v = m.value().apply(t.metrics());
            if (v != null && Double.isFinite(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /**
     * One position of the workload (a conversation's turn, a synthetic test) over the repetitions.
     *
     * @param index the position's place in the workload's order, from 0
     */
    public record PositionSummary(int index, String kind, int conversation, int turn, MeanSd ttftMs, MeanSd decodeTokensPerSecond,
            MeanSd prefillTokensPerSecond, MeanSd inputTokens, MeanSd outputTokens) {}

    /** Per position, in workload order: what the per-turn plots show. */
    public static List<PositionSummary> perPosition(List<TurnRecord> turns) {
        Map<String, List<TurnRecord>> byPosition = new LinkedHashMap<>();
        for (TurnRecord t : turns) {
            if (!t.warmup()) byPosition.computeIfAbsent(t.position(), p -> new ArrayList<>()).add(t);
        }
        List<PositionSummary> out = new ArrayList<>();
        for (List<TurnRecord> same : byPosition.values()) {
            TurnRecord first = same.getFirst();
            out.add(new PositionSummary(out.size(), first.kind(), first.conversation(), first.turn(),
                    of(same, TurnMetrics::ttftMs), of(same, TurnMetrics::decodeTokensPerSecond),
                    of(same, TurnMetrics::prefillTokensPerSecond), of(same, m -> (double) m.inputTokens()),
                    of(same, m -> (double) m.outputTokens())));
        }
        return out;
    }

    private static MeanSd of(List<TurnRecord> turns, Function<TurnMetrics, Double> f) {
        return MeanSd.of(turns.stream().map(t -> f.apply(t.metrics())).mapToDouble(v -> v == null ? Double.NaN : v).toArray());
    }

    /** The summary of one metric of one kind, if measured. */
    public static java.util.Optional<MetricSummary> find(List<MetricSummary> metrics, String kind, String metric) {
        return metrics.stream().filter(m -> m.kind().equals(kind) && m.metric().equals(metric)).findFirst();
    }
}
