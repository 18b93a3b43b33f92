package org.meltharness.run.eval;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.meltharness.HarnessException;
import org.meltharness.eval.TaskJob;
import org.meltharness.results.RunManifest;
import org.meltharness.results.RunManifest.RunOptions;
import org.meltharness.run.DataLocation;
import org.meltharness.run.ModelRequest;

/** What a resumed run may and may not change: it keeps the options it was made with, and its task files and weights. */
final class Resumption {
    private Resumption() {}

    /** The request with the stored options of the run being resumed; an option given again must agree. */
    static EvalRequest adopt(EvalRequest given, RunManifest m, String runId) {
        RunOptions o = m.options();
        ModelRequest gm = given.model();
        Integer storedLimit = o.limit() == 0 ? null : o.limit();
        conflict(runId, given.tasks() != null && !given.tasks().equals(o.tasks()), "--task", o.tasks());
        conflict(runId, given.limit() != null && !given.limit().equals(storedLimit), "--limit", o.limit());
        conflict(runId, given.numFewshot() != null && !given.numFewshot().equals(o.numFewshot()), "--num-fewshot", o.numFewshot());
        conflict(runId, given.seed() != null && given.seed() != o.seed(), "--seed", o.seed());
        conflict(runId, gm.quant() != null && !gm.quant().equalsIgnoreCase(o.quant()), "--quant", o.quant());
        conflict(runId, gm.runtime() != null && !gm.runtime().equals(o.runtime()), "--runtime", o.runtime());
        conflict(runId, gm.weights() != null && !gm.weights().equals(o.weights()), "--weights", o.weights());
        conflict(runId, gm.model() != null && !gm.model().equals(m.model().requested()), "--model", m.model().requested());
        Map<String, String> storedOptions = o.runtimeOptions() == null ? Map.of() : o.runtimeOptions();
        conflict(runId, !gm.runtimeOptions().isEmpty() && !gm.runtimeOptions().equals(storedOptions),
                "--runtime-option (or --kv-type, --endpoint)", storedOptions);
        conflict(runId, given.storeTopk() != null && given.storeTopk() != o.storeTopk(), "--store-topk", o.storeTopk());
        conflict(runId, given.docShard() != null && !given.docShard().equals(o.docShard()), "--doc-shard", o.docShard());

        ModelRequest model = new ModelRequest(m.model().requested(), o.runtime(), o.quant(), o.weights() == null ? "stored" : o.weights(),
                gm.threads() != null ? gm.threads() : o.threads(), storedOptions);
        DataLocation d = given.data();
        DataLocation data = d.dataDir() == null && o.dataDir() != null ? new DataLocation(Path.of(o.dataDir()), d.cacheDir(), d.offline()) : d;
        return new EvalRequest(o.tasks(), model, storedLimit, o.numFewshot(), o.seed(), given.batchDocs(), data, given.output(),
                given.runId(), o.docShard(), runId, given.logPrompts() != null ? given.logPrompts() : o.logPrompts(), o.storeTopk(),
                given.fidelityAgainst() != null ? given.fidelityAgainst() : o.fidelityReference(), given.tasksDirs());
    }

    private static void conflict(String runId, boolean differs, String option, Object stored) {
        if (differs) {
            throw HarnessException.usage("run " + runId + " was made with " + option + " " + stored
                    + "; resume it with the same value or without the option");
        }
    }

    /** A resumed run's task files must be the ones it started with: its samples were scored with those prompts. */
    static void checkSameTasks(RunManifest previous, List<TaskJob> jobs) {
        for (TaskJob j : jobs) {
            String before = previous.tasks().stream().filter(t -> t.name().equals(j.name())).map(RunManifest.TaskRecord::sha256)
                    .findFirst().orElse(null);
            if (before != null && !before.equals(j.task().sha256())) {
                throw HarnessException.usage("the task file of " + j.name() + " changed since run " + previous.runId()
                        + " started; start a new run");
            }
        }
    }

    /** A resumed run's weights must be the ones it started with. */
    static void checkSameModel(RunManifest previous, List<RunManifest.WeightFile> now) {
        if (!previous.model().weights().equals(now)) {
            throw HarnessException.usage("the model's weight files changed since run " + previous.runId()
                    + " started; start a new run");
        }
    }
}
