package org.meltharness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.SharedFiles;

/**
 * {@code harness} in a process of its own, as the launcher starts it, for what only a fresh JVM
 * shows: where libtorch comes from.
 */
class DjlProcessTest {
    @TempDir
    Path tmp;

    /**
     * With no {@code -Dai.djl.offline} and an empty DJL cache, the runtime still starts without
     * network: it sets offline mode itself, and DJL extracts libtorch from the jar.
     */
    @Test
    void startsOfflineFromTheJarWithAnEmptyCache() throws Exception {
        Result r = harness(classPath(), "generate", "--runtime", "djl", "--model", SharedFiles.stories260k().toString(),
                "--max-tokens", "30", "--threads", "1");
        assertEquals(0, r.exitCode(), r.err());
        String golden = Files.readString(SharedFiles.root().resolve("models/stories260K/verification/golden_runc_t0_n200.txt"));
        assertTrue(golden.startsWith(r.out()) && r.out().length() > 50, r.out());
        try (var s = Files.walk(tmp.resolve("djl-cache"))) {
            assertTrue(s.anyMatch(p -> p.getFileName().toString().equals("libtorch_cpu.so")), "extracted into DJL_CACHE_DIR");
        }
    }

    @Test
    void withoutTheLibtorchJarItRefusesInOneLine() throws Exception {
        List<String> cp = classPath().stream().filter(e -> !e.contains("pytorch-native-cpu")).toList();
        Result r = harness(cp, "generate", "--runtime", "djl", "--model", SharedFiles.stories260k().toString(), "--max-tokens",
                "5");
        assertEquals(4, r.exitCode(), r.err());
        List<String> lines = r.err().lines().filter(l -> !l.startsWith("WARNING")).toList();
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.getFirst().startsWith("harness: djl has no libtorch for linux-x86_64: no "
                + "ai.djl.pytorch:pytorch-native-* jar is on the class path"), r.err());
    }

    private record Result(int exitCode, String out, String err) {}

    private Result harness(List<String> classPath, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", String.join(File.pathSeparator, classPath),
                "org.meltharness.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.remove("DJL_OFFLINE");
        env.put("DJL_CACHE_DIR", tmp.resolve("djl-cache").toString());
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("harness did not finish in 120 s");
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    /** This JVM's class path; surefire hands it over inside a manifest-only jar. */
    static List<String> classPath() throws IOException {
        List<String> out = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.endsWith(".jar") && entry.contains("surefire")) {
                try (JarFile jar = new JarFile(entry)) {
                    String manifest = jar.getManifest().getMainAttributes().getValue("Class-Path");
                    if (manifest != null) {
                        for (String url : manifest.trim().split("\\s+")) out.add(Path.of(java.net.URI.create(url)).toString());
                        continue;
                    }
                }
            }
            out.add(entry);
        }
        return out;
    }
}
