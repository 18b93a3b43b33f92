package org.meltharness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.SharedFiles;

/**
 * What needs a JVM of its own: that it ends by itself after a run, a platform without a pinned build,
 * and a cache without the build while the network is off.
 */
class LlamaCppProcessTest {
    @TempDir
    Path dir;

    @Test
    void theJvmEndsWhenARunEnds() throws Exception {
        ChildJvm r = ChildJvm.run(120, List.of("--enable-native-access=ALL-UNNAMED", "-Dharness.shared=" + SharedFiles.root(),
                        ChildJvm.llamaCppCache()),
                ReturnFromMain.class.getName(), "eval", "--runtime", "llamacpp", "--task", "arc_easy", "--model",
                LlamaCppEvalCommandTest.gguf("stories260K-f32.gguf").toString(), "--data-dir",
                SharedFiles.datasets().toString(), "--limit", "2", "--output", dir.resolve("runs").toString(),
                "--cache-dir", dir.resolve("cache").toString(), "--offline");
        assertTrue(r.finished(), "the JVM did not end: a non-daemon thread is left\n" + r.err());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("exit 0"), r.out() + r.err());
    }

    @Test
    void aPlatformWithoutALibraryIsOneLine() throws Exception {
        ChildJvm r = ChildJvm.run(60, List.of("-Dharness.llamacpp.platform=linux-riscv64"), Main.class.getName(),
                "generate", "--runtime", "llamacpp", "--model", LlamaCppEvalCommandTest.gguf("stories260K-f32.gguf").toString(),
                "--max-tokens", "2", "--offline", "--cache-dir", dir.resolve("cache").toString());
        assertTrue(r.finished());
        assertEquals(4, r.exitCode(), r.err());
        List<String> lines = r.err().lines().filter(l -> l.startsWith("harness: ")).toList();
        assertEquals(List.of("harness: no prebuilt llama.cpp is pinned for linux-riscv64 (os.name=Linux, os.arch="
                + System.getProperty("os.arch") + "): the harness fetches node-llama-cpp's linux-x64 and linux-arm64 builds "
                + "only; build llama.cpp v0.5.0 for it and name the folder holding its libllama with --llama-cpp DIR or "
                + "HARNESS_LLAMA_CPP"), lines, r.err());
        assertEquals(1, r.err().lines().filter(l -> !l.isBlank()).count(), r.err());
    }

    @Test
    void offlineWithoutTheBuildSaysWhatToFetchAndWhereToPutIt() throws Exception {
        Path cache = dir.resolve("empty-cache");
        ChildJvm r = ChildJvm.run(60, List.of(), Main.class.getName(), "generate", "--runtime", "llamacpp", "--model",
                LlamaCppEvalCommandTest.gguf("stories260K-f32.gguf").toString(), "--max-tokens", "2", "--offline",
                "--cache-dir", cache.toString());
        assertTrue(r.finished());
        assertEquals(3, r.exitCode(), r.err());
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), r.err());
        String line = lines.getFirst();
        var pinned = org.meltharness.runtime.llamacpp.build.PinnedBuild.forPlatform(
                org.meltharness.runtime.llamacpp.build.Platform.current()).orElseThrow();
        assertTrue(line.startsWith("harness: llama.cpp v0.5.0 is not in the cache and the network is off"), line);
        assertTrue(line.contains("fetch " + pinned.tarball() + " (" + pinned.integrity() + ")"), line);
        assertTrue(line.contains("into " + cache.resolve("llamacpp/builds/" + pinned.folderName())), line);
        assertFalse(Files.exists(cache.resolve("llamacpp/builds/" + pinned.folderName())), "nothing was fetched");
    }

    /**
     * Issue 17, item 7: the runtime closed from another thread while a generation runs (Ctrl-C
     * during {@code serve}) fails that generation with one line; before, the next step decoded on a
     * freed context.
     */
    @Test
    void closingDuringAGenerationFailsItInsteadOfCrashing() throws Exception {
        ChildJvm r = ChildJvm.run(120, List.of("--enable-native-access=ALL-UNNAMED", "-Dharness.shared=" + SharedFiles.root(),
                ChildJvm.llamaCppCache()), "org.meltharness.runtime.llamacpp.CloseDuringGeneration");
        assertTrue(r.finished(), r.err());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("generation ended after 10 tokens: HarnessException: the llama.cpp context was closed "
                + "while a request still used it"), r.out() + r.err());
    }
}
