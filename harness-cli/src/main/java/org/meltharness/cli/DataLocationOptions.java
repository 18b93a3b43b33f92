package org.meltharness.cli;

import java.nio.file.Path;
import org.meltharness.run.DataLocation;
import picocli.CommandLine.Option;

/** Where datasets and downloads are found and kept. */
public final class DataLocationOptions {
    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "A folder holding the benchmark files (as laid out in the dataset manifests).")
    Path dataDir;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Downloads and converted weights (default: ~/.cache/melt-harness).")
    Path cacheDir;

    @Option(names = "--offline", description = "Never use the network (also HARNESS_OFFLINE=1).")
    boolean offline;

    /** The location asked for, with the environment's defaults. */
    DataLocation location() {
        return DataLocation.of(dataDir, cacheDir, offline);
    }
}
