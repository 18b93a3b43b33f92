package org.meltharness.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.meltharness.HarnessHome;

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

    /**
     * The options given, with {@code HARNESS_OFFLINE=1} (or {@code true}, {@code yes}) also meaning
     * offline, and a data folder found without a flag when none is given ({@link #found}).
     */
    public static DataOptions fromEnvironment(Path dataDir, Path cacheDir, boolean offlineFlag) {
        return fromEnvironment(dataDir, cacheDir, offlineFlag, System.getenv());
    }

    static DataOptions fromEnvironment(Path dataDir, Path cacheDir, boolean offlineFlag, Map<String, String> env) {
        String v = env.getOrDefault("HARNESS_OFFLINE", "").strip().toLowerCase(Locale.ROOT);
        Path dir = dataDir != null ? dataDir : found(env, HarnessHome.declared()).orElse(null);
        return new DataOptions(dir, cacheDir, offlineFlag || v.equals("1") || v.equals("true") || v.equals("yes"));
    }

    /**
     * The data folder used when no {@code --data-dir} is given: {@code HARNESS_DATA_DIR}, else a
     * {@code shared/datasets} folder beside the checkout {@code ./harness} runs from (as on the
     * project's development and CI machines), else none (files come from the cache or their canonical sources).
     */
    static Optional<Path> found(Map<String, String> env, Optional<Path> checkout) {
        String v = env.getOrDefault("HARNESS_DATA_DIR", "").strip();
        if (!v.isEmpty()) return Optional.of(Path.of(v));
        return checkout.map(home -> home.resolveSibling("shared").resolve("datasets")).filter(Files::isDirectory);
    }
}
