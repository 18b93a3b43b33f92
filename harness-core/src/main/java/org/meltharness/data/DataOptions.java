package org.meltharness.data;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
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

    /** The options given, with {@code HARNESS_OFFLINE=1} (or {@code true}, {@code yes}) also meaning offline. */
    public static DataOptions fromEnvironment(Path dataDir, Path cacheDir, boolean offlineFlag) {
        return fromEnvironment(dataDir, cacheDir, offlineFlag, System.getenv());
    }

    static DataOptions fromEnvironment(Path dataDir, Path cacheDir, boolean offlineFlag, Map<String, String> env) {
        String v = env.getOrDefault("HARNESS_OFFLINE", "").strip().toLowerCase(Locale.ROOT);
        return new DataOptions(dataDir, cacheDir, offlineFlag || v.equals("1") || v.equals("true") || v.equals("yes"));
    }
}
