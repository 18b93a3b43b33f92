package org.meltharness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.SharedFiles;
import org.meltharness.runtime.llamacpp.build.BuildFetcher;
import org.meltharness.runtime.llamacpp.build.LibrarySource;
import org.meltharness.runtime.llamacpp.build.PinnedBuild;
import org.meltharness.runtime.llamacpp.build.Platform;

/**
 * A user's own build named by {@code --llama-cpp DIR} or {@code HARNESS_LLAMA_CPP}: here the pinned
 * libraries copied under the names a llama.cpp CMake build gives them (libllama.so, libggml.so,
 * ...), in a JVM of its own (a process holds one build), recorded in the manifest; and the one-line
 * refusals of a folder that is not a build, and of a second build in one process.
 */
class LlamaCppUserBuildTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** The pinned build's libraries under CMake's names, in a folder of the test's own. */
    private Path userBuild() throws Exception {
        PinnedBuild pinned = PinnedBuild.forPlatform(Platform.current()).orElseThrow();
        Path from = BuildFetcher.folder(pinned, Path.of(System.getProperty(LibrarySource.CACHE_PROPERTY)));
        Path to = Files.createDirectories(dir.resolve("llama.cpp/build/bin"));
        try (Stream<Path> s = Files.list(from)) {
            for (Path f : s.toList()) {
                String name = f.getFileName().toString().replace(".v0.5.0.so", ".so");
                if (name.endsWith(".so")) Files.copy(f, to.resolve(name));
            }
        }
        return to;
    }

    private List<String> eval(String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("eval", "--runtime", "llamacpp", "--task", "arc_easy",
                "--model", LlamaCppEvalCommandTest.gguf("stories260K-f32.gguf").toString(), "--data-dir",
                SharedFiles.datasets().toString(), "--limit", "2", "--output", dir.resolve("runs").toString(), "--cache-dir",
                dir.resolve("cache").toString(), "--offline"));
        args.addAll(List.of(more));
        return args;
    }

    private JsonNode build() throws Exception {
        try (Stream<Path> s = Files.list(dir.resolve("runs"))) {
            Path run = s.findFirst().orElseThrow();
            return JSON.readTree(run.resolve("manifest.json").toFile()).path("runtime").path("details").path("build");
        }
    }

    /** (That HARNESS_LLAMA_CPP names a build the same way is LibrarySourceTest's.) */
    @Test
    void aBuildNamedByTheOptionRunsAndIsRecorded() throws Exception {
        Path bin = userBuild();
        ChildJvm opt = ChildJvm.run(120, List.of("--enable-native-access=ALL-UNNAMED"), Main.class.getName(),
                eval("--llama-cpp", bin.toString()).toArray(String[]::new));
        assertEquals(0, opt.exitCode(), opt.err());
        JsonNode b = build();
        assertEquals("--llama-cpp", b.path("origin").asText(), b.toString());
        assertEquals(bin.toRealPath().toString(), b.path("folder").asText());
        assertTrue(b.path("version").asText().startsWith("0.5.0"), b.toString());
        assertEquals(1, b.path("backends").size(), "ggml loaded one CPU variant from the folder: " + b);
    }

    @Test
    void aFolderThatIsNotABuildIsOneLine() throws Exception {
        CliRun missing = CliRun.of(eval("--llama-cpp", dir.resolve("nowhere").toString()).toArray(String[]::new));
        assertEquals(2, missing.exitCode(), missing.err());
        assertEquals(List.of("harness: --llama-cpp names " + dir.resolve("nowhere") + ", which is not a folder; it should "
                + "be the folder holding libllama and the ggml libraries of a llama.cpp build (its build/bin)"),
                missing.err().lines().filter(l -> !l.isBlank()).toList());
        Path empty = Files.createDirectories(dir.resolve("empty"));
        CliRun none = CliRun.of(eval("--llama-cpp", empty.toString()).toArray(String[]::new));
        assertEquals(2, none.exitCode(), none.err());
        assertTrue(none.err().strip().startsWith("harness: " + empty.toRealPath() + " (--llama-cpp) holds no libllama"),
                none.err());
    }

    @Test
    void aSecondBuildInOneProcessIsRefused() throws Exception {
        CliRun pinned = CliRun.of(eval().toArray(String[]::new)); // this JVM loads the pinned build
        assertEquals(0, pinned.exitCode(), pinned.err());
        Path bin = userBuild();
        deleteRuns();
        CliRun second = CliRun.of(eval("--llama-cpp", bin.toString()).toArray(String[]::new));
        assertEquals(2, second.exitCode(), second.err());
        assertTrue(second.err().contains("it cannot load a second build from " + bin.toRealPath()
                + " (--llama-cpp): run it in a process of its own"), second.err());
    }

    @Test
    void aGpuAskedOfTheCpuBuildIsOneLine() throws Exception {
        CliRun r = CliRun.of(eval("--gpu-layers", "99").toArray(String[]::new));
        assertEquals(4, r.exitCode(), r.err());
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.getFirst().startsWith("harness: --gpu-layers 99 asks for a GPU, but the llama.cpp build in "),
                r.err());
        assertTrue(lines.getFirst().endsWith("has no GPU backend (its devices: [CPU]); name a CUDA, Vulkan or Metal build "
                + "of llama.cpp v0.5.0 with --llama-cpp DIR"), r.err());
        CliRun main = CliRun.of(eval("--main-gpu", "0").toArray(String[]::new));
        assertEquals(4, main.exitCode(), main.err());
        assertTrue(main.err().contains("--main-gpu 0 asks for a GPU"), main.err());
    }

    private void deleteRuns() throws Exception {
        try (Stream<Path> s = Files.walk(dir.resolve("runs"))) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
