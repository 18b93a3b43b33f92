package org.meltharness.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.meltharness.io.Hashing;
import org.meltharness.measure.Environment;
import org.meltharness.measure.Memory;
import org.meltharness.model.ModelPlan;
import org.meltharness.model.WeightFiles;
import org.meltharness.results.RunManifest;
import org.meltharness.results.RunStatus;
import org.meltharness.results.RunStore;
import org.meltharness.runtime.ModelInfo;

/** The one place a run's manifest is begun: the model as asked and as found (weights and tokenizer hashed), the machine, the cost. */
public final class RunManifests {
    private RunManifests() {}

    /**
     * A new run's manifest, {@code running}.
     *
     * @param tasks the tasks it scores (none for a bench run)
     * @param options the options that decide its numbers (null for a bench run: bench.json holds those)
     */
    public static RunManifest begin(RunStore store, ModelPlan.Loaded loaded, Path cacheDir, List<RunManifest.TaskRecord> tasks,
            RunManifest.RunOptions options) {
        ModelInfo info = loaded.runtime().info();
        return new RunManifest(store.runId(), Instant.now().toString(), RunStatus.RUNNING, Environment.capture(),
                model(loaded.plan(), info, cacheDir), info, tasks, options, measurements(loaded), List.of());
    }

    /** The model as asked for and as found on disk, its weight files and tokenizer hashed. */
    public static RunManifest.ModelRecord model(ModelPlan plan, ModelInfo info, Path cacheDir) {
        Path modelPath = Path.of(info.path());
        Path tok = modelPath.resolve("tokenizer.json");
        String tokSha = Files.isRegularFile(tok) ? Hashing.sha256(tok) : null;
        return new RunManifest.ModelRecord(plan.source().requested(), plan.source().alias(), info.path(), plan.provider().name(),
                plan.quant(), weightFiles(cacheDir, modelPath), tokSha, plan.runtimeChoice());
    }

    /** The model's weight files; none for a model behind a server (--runtime http), which has no local files. */
    public static List<RunManifest.WeightFile> weightFiles(Path cacheDir, Path model) {
        return Files.exists(model) ? new WeightFiles(cacheDir).describe(model) : List.of();
    }

    /** What loading and running have cost this process so far. */
    public static RunManifest.Measurements measurements(ModelPlan.Loaded loaded) {
        return new RunManifest.Measurements(loaded.loadSeconds(), Memory.peakResidentBytes(), Memory.heapPeakBytes(),
                loaded.runtime().info().weightBytes());
    }
}
