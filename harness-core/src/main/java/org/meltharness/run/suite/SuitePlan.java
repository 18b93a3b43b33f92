package org.meltharness.run.suite;

import java.nio.file.Path;
import java.util.List;
import org.meltharness.eval.Shard;
import org.meltharness.suite.SuiteSpec;

/**
 * This shard's part of a suite: its cells, each with the id of the run folder it becomes.
 *
 * @param dir where the suite's runs go
 */
public record SuitePlan(SuiteSpec suite, Shard shard, boolean splitDocuments, Path dir, List<Cell> cells) {
    public SuitePlan {
        cells = List.copyOf(cells);
    }

    /** A cell and the run id it is stored under (a document shard's id names its shard). */
    public record Cell(SuiteSpec.Cell cell, String id) {}
}
