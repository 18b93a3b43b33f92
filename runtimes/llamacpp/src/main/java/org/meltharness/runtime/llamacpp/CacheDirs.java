package org.meltharness.runtime.llamacpp;

import java.nio.file.Path;

/** The harness's cache folder, decided as the core's {@code --cache-dir} option decides it. */
final class CacheDirs {
    private CacheDirs() {}

    static Path of(Path given) {
        if (given != null) return given;
        String env = System.getenv("HARNESS_CACHE_DIR");
        if (env != null && !env.isBlank()) return Path.of(env);
        return Path.of(System.getProperty("user.home"), ".cache", "melt-harness");
    }
}
