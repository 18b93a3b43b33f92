package org.meltharness.data;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where dataset files are looked for and kept.
 *
 * @param dataDir a folder of local copies ({@code --data-dir}), or null
 * @param cacheDir downloads land in {@code <cacheDir>/datasets} and {@code <cacheDir>/downloads}
 * @param offline never open a network connection
 */
public record DataOptions(Path dataDir, Path cacheDir, boolean offline) {
    public DataOptions {
        Objects.requireNonNull(cacheDir, "cacheDir");
    }

    /** The options given, with {@code HARNESS_OFFLINE=1} also meaning offline. */
    public static DataOptions fromEnvironment(Path dataDir, Path cacheDir, boolean offlineFlag) {
        return new DataOptions(dataDir, cacheDir, offlineFlag || "1".equals(System.getenv("HARNESS_OFFLINE")));
    }
}
