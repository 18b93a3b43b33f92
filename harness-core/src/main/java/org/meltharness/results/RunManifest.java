package org.meltharness.results;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.meltharness.measure.Environment;
import org.meltharness.runtime.ModelInfo;

/**
 * A run's {@code manifest.json}: everything needed to reproduce its numbers and to resume it.
 *
 * @param segments one entry per process that worked on the run (a resumed run has several)
 */
public record RunManifest(
        String runId,
        String createdAt,
        RunStatus status,
        Environment environment,
        ModelRecord model,
        ModelInfo runtime,
        List<TaskRecord> tasks,
        RunOptions options,
        Measurements measurements,
        List<Segment> segments) {

    public RunManifest {
        tasks = tasks == null ? List.of() : List.copyOf(tasks);
        segments = segments == null ? List.of() : List.copyOf(segments);
    }

    public RunManifest withStatus(RunStatus newStatus) {
        return new RunManifest(runId, createdAt, newStatus, environment, model, runtime, tasks, options, measurements,
                segments);
    }

    public RunManifest withRuntime(ModelInfo info, Measurements m) {
        return new RunManifest(runId, createdAt, status, environment, model, info, tasks, options, m, segments);
    }

    public RunManifest withSegment(Segment segment) {
        List<Segment> all = new ArrayList<>(segments);
        all.add(segment);
        return new RunManifest(runId, createdAt, status, environment, model, runtime, tasks, options, measurements,
                all);
    }

    /**
     * The model as asked for and as found on disk.
     *
     * @param runtimeChoice why the runtime ran it: named by the user, or why the harness chose it
     */
    public record ModelRecord(
            String requested, String alias, String path, String runtime, String quant, List<WeightFile> weights,
            String tokenizerSha256, String runtimeChoice) {
        public ModelRecord {
            weights = weights == null ? List.of() : List.copyOf(weights);
        }
    }

    /** One weight file and its hash. */
    public record WeightFile(String file, String sha256, long bytes) {}

    /**
     * A task as run: its definition's hash, the documents and metrics it covers, its scoring
     * convention and its data's provenance.
     */
    public record TaskRecord(
            String name, String file, String sha256, Double version, int docs, List<String> metrics,
            Map<String, Object> convention, Map<String, Object> data) {}

    /**
     * The options that decide the numbers; a resumed run must match them.
     *
     * @param weights {@code stored}, or {@code random} (seeded by {@code seed})
     * @param storeTopk top-k log-probs kept per scored token (0: none), for use as a fidelity reference
     * @param fidelityReference the folder of the run whose distributions this run is compared with, or null
     * @param docShard the share of each task's documents this run scores ({@code I/N}), or null for all
     */
    public record RunOptions(
            List<String> tasks, int limit, Integer numFewshot, long seed, String runtime, String quant, String weights,
            int threads, Map<String, String> runtimeOptions, String dataDir, boolean logPrompts, int storeTopk,
            String fidelityReference, String docShard) {}

    /** What loading and running cost the process. */
    public record Measurements(double loadSeconds, long peakRssBytes, long heapPeakBytes, long modelBytes) {}

    /** One process's stretch of work on the run. */
    public record Segment(String startedAt, String endedAt, int docs, RunStatus endedBecause) {}
}
