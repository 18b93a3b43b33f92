package org.meltharness.agreement;

import java.nio.file.Path;
import java.util.Map;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import org.meltharness.data.Downloader;
import org.meltharness.runtime.llamacpp.build.BuildFetcher;
import org.meltharness.runtime.llamacpp.build.LibrarySource;
import org.meltharness.runtime.llamacpp.build.PinnedBuild;
import org.meltharness.runtime.llamacpp.build.Platform;

/**
 * Before the tests, makes sure the pinned llama.cpp is in the copy the pom names (the llamacpp
 * module's tests share it), so that the llamacpp runs here, which are {@code --offline}, find it.
 */
public final class PinnedLlamaCppForTests implements LauncherSessionListener {
    @Override
    public void launcherSessionOpened(LauncherSession session) {
        String cache = System.getProperty(LibrarySource.CACHE_PROPERTY);
        if (cache == null || cache.isBlank() || PinnedBuild.forPlatform(Platform.current()).isEmpty()) return;
        LibrarySource.of(Map.of(), Map.of(), Path.of(cache), false)
                .resolve(new BuildFetcher(new Downloader(), msg -> System.err.println("tests: " + msg)));
    }
}
