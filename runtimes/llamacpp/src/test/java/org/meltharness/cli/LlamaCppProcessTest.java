package org.meltharness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.SharedFiles;

/** What needs a JVM of its own: that it ends by itself after a run, and a platform without a library. */
class LlamaCppProcessTest {
    @TempDir
    Path dir;

    @Test
    void theJvmEndsWhenARunEnds() throws Exception {
        ChildJvm r = ChildJvm.run(120, List.of("--enable-native-access=ALL-UNNAMED", "-Dharness.shared=" + SharedFiles.root()),
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
        ChildJvm r = ChildJvm.run(60, List.of("-Dharness.llamacpp.platform=Linux/riscv64"), Main.class.getName(),
                "generate", "--runtime", "llamacpp", "--model", LlamaCppEvalCommandTest.gguf("stories260K-f32.gguf").toString(),
                "--max-tokens", "2", "--offline", "--cache-dir", dir.resolve("cache").toString());
        assertTrue(r.finished());
        assertEquals(4, r.exitCode(), r.err());
        List<String> lines = r.err().lines().filter(l -> l.startsWith("harness: ")).toList();
        assertEquals(List.of("harness: the llamacpp runtime cannot run on Linux/riscv64 (os.name=Linux, os.arch="
                + System.getProperty("os.arch") + "): de.kherud:llama:4.2.0 carries no llama.cpp library for it"), lines,
                r.err());
        assertEquals(1, r.err().lines().filter(l -> !l.isBlank()).count(), r.err());
    }
}
