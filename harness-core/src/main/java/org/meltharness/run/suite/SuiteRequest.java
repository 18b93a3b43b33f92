package org.meltharness.run.suite;

import java.nio.file.Path;
import java.util.Map;
import org.meltharness.run.DataLocation;

/**
 * One {@code suite run}: a suite file, and which of its cells this process runs.
 *
 * @param shard {@code I/N}, or null to take it from the scheduler's environment ({@code shards} of them)
 * @param splitDocuments every cell's documents are split across the shards instead of the cells
 * @param output where suites are kept ({@code <output>/suites/<name>/})
 * @param environment the variables a scheduler sets (SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX)
 */
public record SuiteRequest(Path file, String shard, int shards, boolean splitDocuments, DataLocation data, Path output,
        Map<String, String> environment) {
    public SuiteRequest {
        environment = environment == null ? Map.of() : Map.copyOf(environment);
    }
}
