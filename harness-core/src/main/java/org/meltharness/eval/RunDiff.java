package org.meltharness.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.meltharness.HarnessException;
import org.meltharness.results.RunManifest;
import org.meltharness.results.RunStore;
import org.meltharness.results.SampleRecord;

/**
 * Where two runs of the same tasks disagree, document by document: log-likelihood differences of
 * every choice and flipped predictions. Used to check that runtimes agree.
 */
public final class RunDiff {
    private RunDiff() {}

    /**
     * One task's comparison.
     *
     * @param tokenCountsDiffer choices whose context or continuation came out as a different number
     *     of tokens in the two runs: their tokenisations differ (shown, not part of {@link #agrees})
     */
    public record TaskDiff(
            String task, int compared, int onlyInA, int onlyInB, double maxAbsDelta, double meanAbsDelta,
            int flippedPred, int flippedPredNorm, int tokenCountsDiffer, List<DocDelta> worst) {

        /** Whether the task agrees within {@code tolerance} with no flipped prediction. */
        public boolean agrees(double tolerance) {
            return onlyInA == 0 && onlyInB == 0 && compared > 0 && maxAbsDelta <= tolerance && flippedPred == 0
                    && flippedPredNorm == 0;
        }
    }

    /** A document's largest choice difference. */
    public record DocDelta(int docId, int choice, double llA, double llB, boolean predFlipped) {
        public double delta() {
            return Math.abs(llA - llB);
        }
    }

    /** Compares the tasks both runs have; {@code worstN} documents with the largest difference are kept per task. */
    public static List<TaskDiff> compare(RunStore a, RunStore b, int worstN) {
        RunManifest ma = a.readManifest();
        RunManifest mb = b.readManifest();
        List<String> common = ma.tasks().stream().map(RunManifest.TaskRecord::name)
                .filter(t -> mb.tasks().stream().anyMatch(x -> x.name().equals(t)))
                .toList();
        if (common.isEmpty()) {
            throw HarnessException.usage("runs " + a.runId() + " and " + b.runId() + " have no task in common");
        }
        List<TaskDiff> out = new ArrayList<>();
        for (String task : common) out.add(task(task, a.samplesByDoc(task), b.samplesByDoc(task), worstN));
        return out;
    }

    private static TaskDiff task(String task, Map<Integer, SampleRecord> a, Map<Integer, SampleRecord> b, int worstN) {
        int compared = 0;
        int flipped = 0;
        int flippedNorm = 0;
        int tokenCounts = 0;
        double max = 0;
        double sum = 0;
        long choices = 0;
        List<DocDelta> deltas = new ArrayList<>();
        for (var e : a.entrySet()) {
            SampleRecord x = e.getValue();
            SampleRecord y = b.get(e.getKey());
            if (y == null) continue;
            if (x.choices().size() != y.choices().size() || !x.promptHash().equals(y.promptHash())) {
                throw HarnessException.usage(task + " document " + x.docId() + " was asked differently in the two runs "
                        + "(other prompt or choices); diff compares runs of the same task definition and options");
            }
            compared++;
            boolean predFlip = x.pred() != y.pred();
            if (predFlip) flipped++;
            if (x.predNorm() != y.predNorm()) flippedNorm++;
            DocDelta worst = null;
            for (int c = 0; c < x.choices().size(); c++) {
                SampleRecord.Choice ca = x.choices().get(c);
                SampleRecord.Choice cb = y.choices().get(c);
                if (ca.ctxTokens() != cb.ctxTokens() || ca.contTokens() != cb.contTokens()) tokenCounts++;
                double llA = ca.ll();
                double llB = cb.ll();
                double d = Math.abs(llA - llB);
                sum += d;
                choices++;
                max = Math.max(max, d);
                if (worst == null || d > worst.delta()) worst = new DocDelta(x.docId(), c, llA, llB, predFlip);
            }
            deltas.add(worst);
        }
        int onlyA = (int) a.keySet().stream().filter(k -> !b.containsKey(k)).count();
        int onlyB = (int) b.keySet().stream().filter(k -> !a.containsKey(k)).count();
        deltas.sort(Comparator.comparing((DocDelta d) -> !d.predFlipped()).thenComparing(DocDelta::delta, Comparator.reverseOrder()));
        return new TaskDiff(task, compared, onlyA, onlyB, max, choices == 0 ? 0 : sum / choices, flipped, flippedNorm, tokenCounts,
                List.copyOf(deltas.subList(0, Math.min(worstN, deltas.size()))));
    }

}
