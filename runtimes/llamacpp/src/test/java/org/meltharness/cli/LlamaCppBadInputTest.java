package org.meltharness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.SharedFiles;

/** What is not a model llama.cpp 0.5.0 can run is refused with one line and the right exit code, leaving no run. */
class LlamaCppBadInputTest {
    @TempDir
    Path dir;

    private CliRun eval(Path model, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("eval", "--runtime", "llamacpp", "--task", "arc_easy",
                "--model", model.toString(), "--data-dir", SharedFiles.datasets().toString(), "--limit", "2", "--output",
                dir.resolve("runs").toString(), "--cache-dir", dir.resolve("cache").toString(), "--offline"));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    private void assertRefused(CliRun r, int code, String contains) throws Exception {
        assertEquals(code, r.exitCode(), r.err());
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.getFirst().startsWith("harness: ") && lines.getFirst().contains(contains), r.err());
        try (Stream<Path> s = Files.exists(dir.resolve("runs")) ? Files.list(dir.resolve("runs")) : Stream.empty()) {
            assertTrue(s.findAny().isEmpty(), "a run that could not start leaves no folder");
        }
    }

    private static Path f32() {
        return LlamaCppEvalCommandTest.gguf("stories260K-f32.gguf");
    }

    @Test
    void notAGgufFile() throws Exception {
        Path text = Files.writeString(dir.resolve("model.gguf"), "this is not a model\n".repeat(4));
        assertRefused(eval(text), 3, "is not a GGUF file: it does not start with the GGUF magic");
    }

    @Test
    void truncatedFile() throws Exception {
        Path cut = GgufBytes.truncate(f32(), dir.resolve("cut.gguf"), 600_000);
        assertRefused(eval(cut), 3, "is truncated: tensor blk.2.ffn_gate.weight needs bytes up to");
        Path headerOnly = GgufBytes.truncate(f32(), dir.resolve("head.gguf"), 4000);
        assertRefused(eval(headerOnly), 3, "is truncated or corrupt");
    }

    @Test
    void architectureThisBuildDoesNotKnow() throws Exception {
        Path other = GgufBytes.replace(f32(), dir.resolve("other.gguf"), "llama", "llamb");
        assertRefused(eval(other), 4, "unknown model architecture: 'llamb'");
    }

    @Test
    void tensorTypesThisBuildCannotRun() throws Exception {
        Path removed = GgufBytes.tensorType(f32(), dir.resolve("removed.gguf"), "blk.0.attn_q.weight", 4);
        assertRefused(eval(removed), 4, "tensor blk.0.attn_q.weight has ggml type 4, which llama.cpp 0.5.0 does not know");
        Path integer = GgufBytes.tensorType(f32(), dir.resolve("i32.gguf"), "blk.0.attn_q.weight", 26);
        assertRefused(eval(integer), 4, "tensor blk.0.attn_q.weight is stored as i32, which llama.cpp 0.5.0 cannot compute");
        Path vector = GgufBytes.tensorType(f32(), dir.resolve("norm.gguf"), "blk.0.attn_norm.weight", 26);
        assertRefused(eval(vector), 4, "needs vectors in f32");
    }

    @Test
    void aQuantisedKvCacheOnHeadsOfEightIsRefusedNotAborted() throws Exception {
        // stories260K's heads are 8 wide; llama.cpp asserts whole blocks per head and would abort
        // the JVM on a Q8_0 cache of them.
        assertRefused(eval(f32(), "--kv-type", "q8_0"), 4,
                "kv_type=q8_0 needs a head size that is a multiple of 32; stories260K-f32.gguf has heads of 8");
    }

    @Test
    void unknownQuantisationAndOption() throws Exception {
        assertRefused(eval(f32(), "--quant", "q9_9"), 2, "runtime llamacpp does not offer --quant q9_9");
        assertRefused(eval(f32(), "--runtime-option", "kv_type=q4_0"), 2, "kv_type is f32, f16 or q8_0, not q4_0");
        assertRefused(eval(f32(), "--runtime-option", "flash=1"), 2, "unknown --runtime-option flash");
    }
}
