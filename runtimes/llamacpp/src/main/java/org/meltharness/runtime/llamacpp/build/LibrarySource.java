package org.meltharness.runtime.llamacpp.build;

import java.nio.file.Path;
import java.util.Map;
import org.meltharness.HarnessException;

/**
 * Which llama.cpp build to load: a user's own folder ({@code --llama-cpp DIR}, that is
 * {@code --runtime-option llama_cpp=DIR}, else the environment variable {@value #ENV}), or the
 * pinned build for this platform, kept under {@code <cache>/llamacpp/builds/}.
 *
 * @param userDir the user's folder, or null for the pinned build
 * @param origin how {@code userDir} was named, for messages and the record
 * @param cacheDir the cache the pinned build lives in: {@code --cache-dir}, unless the system property
 *     {@value #CACHE_PROPERTY} names another (the tests share one copy between their JVMs that way)
 */
public record LibrarySource(Path userDir, String origin, Path cacheDir, boolean offline) {
    public static final String ENV = "HARNESS_LLAMA_CPP";
    public static final String OPTION = "llama_cpp";
    public static final String CACHE_PROPERTY = "harness.llamacpp.cache";

    /** From the runtime options, the environment and the harness's cache folder. */
    public static LibrarySource of(Map<String, String> options, Map<String, String> env, Path cacheDir, boolean offline) {
        String dir = options.get(OPTION);
        if (dir != null && !dir.isBlank()) return new LibrarySource(Path.of(dir.strip()), "--llama-cpp", cacheDir, offline);
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) return new LibrarySource(Path.of(fromEnv.strip()), ENV, cacheDir, offline);
        String forced = System.getProperty(CACHE_PROPERTY);
        Path cache = forced != null && !forced.isBlank() ? Path.of(forced) : cacheDir;
        return new LibrarySource(null, "pinned", cache, offline);
    }

    /** The pinned build for this platform, or a one-line refusal naming what to do instead. */
    public PinnedBuild pinned() {
        String platform = Platform.current();
        return PinnedBuild.forPlatform(platform).orElseThrow(() -> HarnessException.unsupportedModel("no prebuilt llama.cpp "
                + "is pinned for " + Platform.describe() + ": the harness fetches node-llama-cpp's linux-x64 and linux-arm64 "
                + "builds only; build llama.cpp " + PinnedBuild.LLAMA_CPP_RELEASE + " for it and name the folder holding its "
                + "libllama with --llama-cpp DIR or " + ENV));
    }

    /** The folder this source names, without fetching or checking anything (to compare with what is loaded). */
    public Path expectedDir() {
        if (userDir != null) return userDir.toAbsolutePath().normalize();
        return BuildFetcher.folder(pinned(), cacheDir).toAbsolutePath().normalize();
    }

    /** The folder, checked: a user's folder must hold the libraries; the pinned build is fetched and verified. */
    public BuildFolder resolve(BuildFetcher fetcher) {
        if (userDir != null) return BuildFolder.user(userDir, origin);
        return fetcher.obtain(pinned(), cacheDir, offline);
    }
}
