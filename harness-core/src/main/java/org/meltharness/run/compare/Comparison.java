package org.meltharness.run.compare;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.meltharness.HarnessException;
import org.meltharness.eval.Summaries;
import org.meltharness.results.RunManifest;
import org.meltharness.results.RunStore;
import org.meltharness.results.SampleRecord;
import org.meltharness.results.Summary;
import org.meltharness.results.SummaryRow;
import org.meltharness.stats.McNemar;
import org.meltharness.stats.PairedBootstrap;

/**
 * Puts runs beside a reference run, task by task and metric by metric, over the same documents:
 * the accuracy lost or gained (paired bootstrap interval, McNemar's exact test), the cost, and the
 * fidelity of the distributions when the runs measured it.
 */
public final class Comparison {
    /** Bootstrap resamples; enough for stable 95% bounds on a few thousand documents. */
    public static final int ITERATIONS = 10_000;
    private static final long SEED = 1234;

    private Comparison() {}

    public static List<CompareRow> rows(RunStore reference, List<RunStore> runs) {
        RunManifest refManifest = reference.readManifest();
        List<CompareRow> out = new ArrayList<>(rowsOf(reference, refManifest, null, null));
        for (RunStore run : runs) out.addAll(rowsOf(run, run.readManifest(), reference, refManifest));
        return out;
    }

    private static List<CompareRow> rowsOf(RunStore run, RunManifest m, RunStore ref, RunManifest refManifest) {
        Summary summary = Summaries.build(run, m, Map.of());
        List<CompareRow> rows = new ArrayList<>();
        if (ref != null && m.tasks().stream().noneMatch(t -> refManifest.tasks().stream().anyMatch(r -> r.name().equals(t.name())))) {
            throw HarnessException.usage("run " + run.runId() + " shares no task with reference " + ref.runId());
        }
        for (RunManifest.TaskRecord task : m.tasks()) {
            Map<Integer, SampleRecord> mine = run.samplesByDoc(task.name());
            Map<Integer, SampleRecord> theirs = null;
            if (ref != null) {
                if (refManifest.tasks().stream().noneMatch(t -> t.name().equals(task.name()))) continue;
                theirs = ref.samplesByDoc(task.name());
                if (!theirs.keySet().equals(mine.keySet())) {
                    throw HarnessException.usage(task.name() + ": run " + run.runId() + " scored " + mine.size()
                            + " documents and reference " + ref.runId() + " " + theirs.size()
                            + " (or others); compare needs the same documents in both (same --limit, finished runs)");
                }
            }
            // KL and top-1 were measured against the run's own --fidelity-against reference: they
            // belong in this table only when that is the reference here.
            boolean measuredAgainstRef = ref != null && m.options() != null && ref.isFolder(m.options().fidelityReference());
            Fid fid = theirs == null ? null : fidelity(mine, theirs, measuredAgainstRef);
            for (String metric : task.metrics()) {
                SummaryRow s = summary.rows().stream()
                        .filter(r -> r.task().equals(task.name()) && r.metric().equals(metric))
                        .findFirst()
                        .orElseThrow();
                Double delta = null;
                Double low = null;
                Double high = null;
                Double p = null;
                if (theirs != null) {
                    List<Integer> ids = List.copyOf(mine.keySet());
                    Map<Integer, SampleRecord> refDocs = theirs;
                    double[] a = ids.stream().mapToDouble(i -> metricOf(refDocs.get(i), metric)).toArray();
                    double[] b = ids.stream().mapToDouble(i -> metricOf(mine.get(i), metric)).toArray();
                    PairedBootstrap ci = PairedBootstrap.of(a, b, ITERATIONS, 0.95, SEED);
                    delta = ci.delta();
                    low = ci.low();
                    high = ci.high();
                    if (binary(a) && binary(b)) p = McNemar.test(asBool(a), asBool(b)).p();
                }
                rows.add(new CompareRow(m.runId(), m.model().requested(), m.model().runtime(), m.model().quant(), task.name(),
                        metric, s.value(), s.stderr(), s.n(), delta, low, high, p,
                        m.runtime() == null ? -1 : m.runtime().weightBytes(),
                        m.measurements() == null ? -1 : m.measurements().peakRssBytes(), s.msPerItem(),
                        s.prefillTokensPerSecond(), null, fid == null ? null : fid.klMean, fid == null ? null : fid.klP99,
                        fid == null ? null : fid.klMax, fid == null ? null : fid.top1, fid == null ? null : fid.goldDelta));
            }
        }
        return rows;
    }

    /** Fidelity summed over the documents; KL and top-1 only where the run measured them. */
    private record Fid(Double klMean, Double klP99, Double klMax, Double top1, double goldDelta) {}

    private static Fid fidelity(Map<Integer, SampleRecord> mine, Map<Integer, SampleRecord> ref, boolean measuredAgainstRef) {
        double gold = 0;
        for (var e : mine.entrySet()) gold += goldProbability(e.getValue()) - goldProbability(ref.get(e.getKey()));
        gold /= mine.size();
        List<SampleRecord> measured = mine.values().stream().filter(s -> s.fidelity() != null).toList();
        if (!measuredAgainstRef || measured.isEmpty()) return new Fid(null, null, null, null, gold);
        double[] kl = measured.stream().flatMapToDouble(s -> java.util.Arrays.stream(s.fidelity().kl())).sorted().toArray();
        long agree = measured.stream().mapToLong(s -> s.fidelity().top1Agree()).sum();
        if (kl.length == 0) return new Fid(null, null, null, null, gold);
        return new Fid(org.meltharness.stats.Stats.mean(kl), PairedBootstrap.quantile(kl, 0.99), kl[kl.length - 1],
                agree / (double) kl.length, gold);
    }

    /** The gold choice's probability among the choices: softmax of their log-likelihoods. */
    static double goldProbability(SampleRecord s) {
        double max = Double.NEGATIVE_INFINITY;
        for (SampleRecord.Choice c : s.choices()) max = Math.max(max, c.ll());
        double sum = 0;
        for (SampleRecord.Choice c : s.choices()) sum += Math.exp(c.ll() - max);
        return Math.exp(s.choices().get(s.gold()).ll() - max) / sum;
    }

    private static double metricOf(SampleRecord s, String metric) {
        Double v = s.metrics().get(metric);
        if (v == null) throw HarnessException.badData("document " + s.docId() + " has no " + metric);
        return v;
    }

    private static boolean binary(double[] xs) {
        for (double x : xs) if (x != 0 && x != 1) return false;
        return true;
    }

    private static boolean[] asBool(double[] xs) {
        boolean[] out = new boolean[xs.length];
        for (int i = 0; i < xs.length; i++) out[i] = xs[i] == 1;
        return out;
    }

}
