package org.meltharness.cli;

import java.nio.file.Path;
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

    Path cacheDir() {
        if (cacheDir != null) return cacheDir;
        String env = System.getenv("HARNESS_CACHE_DIR");
        if (env != null && !env.isBlank()) return Path.of(env);
        return Path.of(System.getProperty("user.home"), ".cache", "melt-harness");
    }

    boolean offline() {
        return offline || "1".equals(System.getenv("HARNESS_OFFLINE"));
    }
}
