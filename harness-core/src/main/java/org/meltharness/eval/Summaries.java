package org.meltharness.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.meltharness.results.RunManifest;
import org.meltharness.results.RunManifest.TaskRecord;
import org.meltharness.results.SampleRecord;
import org.meltharness.results.RunStore;
import org.meltharness.results.Summary;
import org.meltharness.results.SummaryRow;
import org.meltharness.stats.Stats;
import org.meltharness.task.GroupSpec;

/**
 * Computes a run's summary from its samples files alone, so that an interrupted and resumed run
 * ends with the same numbers as one that ran straight through.
 */
public final class Summaries {
    private Summaries() {}

    /**
     * @param groups groups among the requested names that aggregate a metric, with their leaf tasks
     */
    public static Summary build(RunStore store, RunManifest manifest, Map<GroupSpec, List<String>> groups) {
        List<SummaryRow> rows = new ArrayList<>();
        Map<String, Object> conventions = new LinkedHashMap<>();
        Map<String, TaskStats> byTask = new LinkedHashMap<>();
        boolean complete = true;
        for (TaskRecord t : manifest.tasks()) {
            List<SampleRecord> samples = List.copyOf(store.samplesByDoc(t.name()).values());
            if (samples.size() < t.docs()) complete = false;
            TaskStats stats = TaskStats.of(samples);
            byTask.put(t.name(), stats);
            for (String metric : t.metrics()) {
                double[] xs = samples.stream().mapToDouble(s -> s.metrics().getOrDefault(metric, Double.NaN)).toArray();
                rows.add(stats.row(t.name(), metric, xs.length == 0 ? Double.NaN : Stats.mean(xs), Stats.meanStderr(xs),
                        xs.length));
            }
            rows.addAll(fidelityRows(t.name(), samples, stats));
            Map<String, Object> c = new LinkedHashMap<>(t.convention());
            c.put("data", t.data());
            conventions.put(t.name(), c);
        }
        for (var entry : groups.entrySet()) {
            GroupSpec g = entry.getKey();
            List<String> members = entry.getValue().stream().filter(byTask::containsKey).toList();
            if (members.isEmpty()) continue;
            TaskStats total = members.stream().map(byTask::get).reduce(TaskStats.EMPTY, TaskStats::plus);
            for (GroupSpec.Aggregate agg : g.aggregateMetricList()) {
                List<SummaryRow> parts = rows.stream()
                        .filter(r -> members.contains(r.task()) && r.metric().equals(agg.metric()))
                        .toList();
                if (parts.size() != members.size()) continue;
                double[] means = parts.stream().mapToDouble(SummaryRow::value).toArray();
                double[] stderrs = parts.stream().mapToDouble(SummaryRow::stderr).toArray();
                long[] sizes = parts.stream().mapToLong(SummaryRow::n).toArray();
                long[] weights = agg.weightBySize() ? sizes : java.util.Arrays.stream(sizes).map(x -> 1).toArray();
                rows.add(total.row(g.group(), agg.metric(), Stats.weightedMean(means, weights),
                        Stats.pooledStderr(stderrs, sizes), (int) java.util.Arrays.stream(sizes).sum()));
            }
        }
        var m = manifest.model();
        return new Summary(manifest.runId(), m == null ? null : m.requested(), m == null ? null : m.runtime(),
                m == null ? null : m.quant(), complete, rows, conventions);
    }

    /**
     * KL divergence from the reference over every scored token (mean, 99th percentile, max) and the
     * share of tokens whose most likely token is the reference's; none when fidelity was not measured.
     */
    static List<SummaryRow> fidelityRows(String task, List<SampleRecord> samples, TaskStats stats) {
        List<double[]> kls = samples.stream().filter(s -> s.fidelity() != null).map(s -> s.fidelity().kl()).toList();
        if (kls.isEmpty()) return List.of();
        double[] all = kls.stream().flatMapToDouble(java.util.Arrays::stream).sorted().toArray();
        if (all.length == 0) return List.of();
        long agree = samples.stream().filter(s -> s.fidelity() != null).mapToLong(s -> s.fidelity().top1Agree()).sum();
        int n = samples.size();
        return List.of(
                stats.row(task, "kl_mean", Stats.mean(all), Double.NaN, n),
                stats.row(task, "kl_p99", org.meltharness.stats.PairedBootstrap.quantile(all, 0.99), Double.NaN, n),
                stats.row(task, "kl_max", all[all.length - 1], Double.NaN, n),
                stats.row(task, "top1_agreement", agree / (double) all.length, Double.NaN, n));
    }

    /** Time and token totals of a set of documents. */
    private record TaskStats(double timeMs, double prefillMs, long tokens, long prefillTokens) {
        static final TaskStats EMPTY = new TaskStats(0, 0, 0, 0);

        static TaskStats of(List<SampleRecord> samples) {
            double time = 0;
            double prefill = 0;
            long tokens = 0;
            long computed = 0;
            for (SampleRecord s : samples) {
                time += s.timeMs();
                prefill += s.prefillMs();
                tokens += s.tokens();
                for (SampleRecord.Choice c : s.choices()) computed += c.ctxTokens() - c.reusedTokens();
            }
            return new TaskStats(time, prefill, tokens, computed);
        }

        TaskStats plus(TaskStats o) {
            return new TaskStats(timeMs + o.timeMs, prefillMs + o.prefillMs, tokens + o.tokens,
                    prefillTokens + o.prefillTokens);
        }

        SummaryRow row(String task, String metric, double value, double stderr, int n) {
            double seconds = timeMs / 1000;
            return new SummaryRow(task, metric, value, stderr, n, seconds, n == 0 ? 0 : timeMs / n,
                    seconds > 0 ? tokens / seconds : 0, prefillMs > 0 ? prefillTokens / (prefillMs / 1000) : 0);
        }
    }
}
