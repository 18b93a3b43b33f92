package org.meltharness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.runtime.llamacpp.build.PinnedBuild;
import org.meltharness.runtime.llamacpp.build.Platform;

/** {@code harness engines}, contributed by the llamacpp module: builds, versions, backends, devices. */
class LlamaCppEnginesCommandTest {
    @TempDir
    Path dir;

    @Test
    void listsThePinnedBuildAndWhatTheLoadedOneIs() throws Exception {
        PinnedBuild pinned = PinnedBuild.forPlatform(Platform.current()).orElseThrow();
        CliRun r = CliRun.of("engines", "--offline");
        assertEquals(0, r.exitCode(), r.err());
        String out = r.out();
        assertTrue(out.contains("  pinned  " + pinned.npmPackage() + "@3.22.1 from " + pinned.tarball()), out);
        assertTrue(out.contains(": present, every library matches its pinned sha256"), out);
        assertTrue(out.contains("  yours   none (name one with --llama-cpp DIR or HARNESS_LLAMA_CPP)"), out);
        assertTrue(out.contains("the build a run uses: " + pinned.npmPackage() + "@3.22.1 (npm, pinned by sha256)"), out);
        assertTrue(out.contains("  version  llama.cpp 0.5.0"), out);
        assertTrue(out.contains(", ggml 0.25.1, commit 0ad4a86"), out);
        assertTrue(out.matches("(?s).*  backends cpu-[a-z0-9._]+; CPU variant [a-z0-9._]+; GPU offload no\n.*"), out);
        assertTrue(out.matches("(?s).*\n    CPU +cpu .*GB free\\)\n.*"), out);
        assertTrue(out.contains("  system   CPU : "), out);
    }

    @Test
    void withoutTheBuildAndOfflineItSaysSoAndLoadsNothing() throws Exception {
        ChildJvm r = ChildJvm.run(60, List.of(), Main.class.getName(), "engines", "--offline", "--cache-dir",
                dir.resolve("cache").toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains(": not fetched yet (a run fetches it, 10.8 MB)") || !Platform.current().equals("linux-x64"),
                r.out());
        assertTrue(r.out().contains("no build to load: the pinned build is not fetched and the network is off"), r.out());
    }
}
