package org.meltharness.runtime.llamacpp;

import java.util.Map;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import org.meltharness.data.Downloader;
import org.meltharness.runtime.llamacpp.build.BuildFetcher;
import org.meltharness.runtime.llamacpp.build.LibrarySource;
import org.meltharness.runtime.llamacpp.build.PinnedBuild;
import org.meltharness.runtime.llamacpp.build.Platform;

/**
 * Before any test of this JVM runs, makes sure the pinned llama.cpp is in the tests' shared copy
 * (the system property {@value LibrarySource#CACHE_PROPERTY}, set by the pom to
 * {@code ~/.cache/melt-harness}): fetched once per machine, so that the tests, which run
 * {@code --offline}, find it, and no test class fetches it again.
 */
public final class PinnedLibraryForTests implements LauncherSessionListener {
    @Override
    public void launcherSessionOpened(LauncherSession session) {
        if (PinnedBuild.forPlatform(Platform.current()).isEmpty()) return;
        LibrarySource.of(Map.of(), Map.of(), CacheDirs.of(null), false)
                .resolve(new BuildFetcher(new Downloader(), msg -> System.err.println("tests: " + msg)));
    }
}
