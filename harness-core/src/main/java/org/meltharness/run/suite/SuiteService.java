package org.meltharness.run.suite;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.meltharness.HarnessException;
import org.meltharness.eval.Shard;
import org.meltharness.results.RunStatus;
import org.meltharness.results.RunStore;
import org.meltharness.run.ModelRequest;
import org.meltharness.run.eval.EvalChild;
import org.meltharness.run.eval.EvalRequest;
import org.meltharness.suite.ShardMerge;
import org.meltharness.suite.SuiteSpec;

/**
 * Runs a suite's cells (or this shard's), each an eval in a JVM of its own, skipping finished cells
 * and resuming partial ones, into {@code <output>/suites/<name>/}.
 */
public final class SuiteService {
    private final PrintWriter err;

    public SuiteService(PrintWriter err) {
        this.err = err;
    }

    /** The cells this shard runs, read and checked before anything runs. */
    public SuitePlan plan(SuiteRequest request) {
        SuiteSpec suite = SuiteSpec.read(request.file());
        Shard s = request.shard() != null ? Shard.parse(request.shard()) : Shard.fromEnvironment(request.environment(), request.shards());
        Path dir = request.output().resolve("suites").resolve(suite.name());
        List<SuiteSpec.Cell> cells = request.splitDocuments() ? suite.cells() : s.of(suite.cells());
        List<SuitePlan.Cell> planned = new ArrayList<>();
        for (SuiteSpec.Cell cell : cells) {
            String id = request.splitDocuments() && s.count() > 1 ? cell.id() + ShardMerge.suffix(s.index(), s.count()) : cell.id();
            planned.add(new SuitePlan.Cell(cell, id));
        }
        return new SuitePlan(suite, s, request.splitDocuments(), dir, planned);
    }

    /** Runs the plan's unfinished cells and returns how many it ran. */
    public int run(SuitePlan plan, SuiteRequest request) {
        SuiteSpec suite = plan.suite();
        Shard s = plan.shard();
        int done = 0;
        for (SuitePlan.Cell c : plan.cells()) {
            if (finished(plan.dir(), c.id())) {
                err.println("harness: " + c.id() + " is finished; skipped");
                continue;
            }
            SuiteSpec.Cell cell = c.cell();
            EvalRequest eval = EvalRequest.of(List.of(cell.task()), ModelRequest.of(cell.model(), cell.variant().runtime(),
                    cell.variant().quant()), request.data(), plan.dir())
                    .withLimit(suite.limit()).withNumFewshot(suite.numFewshot())
                    .withRunId(c.id(), plan.splitDocuments() && s.count() > 1 ? s.toString() : null);
            err.println("harness: running " + c.id());
            EvalChild.run(eval, "cell " + c.id());
            done++;
        }
        return done;
    }

    private static boolean finished(Path dir, String id) {
        if (!RunStore.exists(dir, id)) return false;
        try {
            return RunStore.open(dir, id).readManifest().status() == RunStatus.COMPLETE;
        } catch (HarnessException e) {
            return false;
        }
    }
}
