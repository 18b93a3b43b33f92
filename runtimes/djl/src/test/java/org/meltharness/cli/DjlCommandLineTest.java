package org.meltharness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.SharedFiles;

/** {@code harness generate / eval / diff --runtime djl} end to end, in process. */
class DjlCommandLineTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void generateReproducesTheGoldenText() throws Exception {
        CliRun r = CliRun.of("generate", "--runtime", "djl", "--model", SharedFiles.stories260k().toString(), "--max-tokens",
                "200", "--threads", "1", "--offline");
        assertEquals(0, r.exitCode(), r.err());
        String golden = Files.readString(SharedFiles.root().resolve("models/stories260K/verification/golden_runc_t0_n200.txt"));
        assertEquals(golden, r.out());
    }

    /**
     * The three ways of scoring give the same log-likelihoods ({@code harness diff} agrees at 1e-4),
     * and the two that share contexts reuse tokens.
     */
    @Test
    void evalScoringModesAgree() throws Exception {
        Path batched = eval("batched", "batched");
        Path sequential = eval("sequential", "shared-prefix");
        Path none = eval("none", "none");
        JsonNode manifest = JSON.readTree(batched.resolve("manifest.json").toFile());
        assertEquals("djl", manifest.path("model").path("runtime").asText());
        assertEquals("f32", manifest.path("model").path("quant").asText());
        for (Path other : List.of(sequential, none)) {
            CliRun diff = CliRun.of("diff", batched.toString(), other.toString(), "--tolerance", "1e-4");
            assertEquals(0, diff.exitCode(), diff.out() + diff.err());
        }
        assertTrue(reused(batched) > 0, "the choices of a document share their context");
        assertTrue(reused(sequential) > 0);
        assertEquals(0, reused(none));
    }

    @Test
    void randomWeightsOfAShape() throws Exception {
        Path shape = Files.createDirectories(dir.resolve("stories15m"));
        Files.copy(SharedFiles.root().resolve("models/shapes/stories15m/config.json"), shape.resolve("config.json"));
        for (String f : List.of("tokenizer.json", "tokenizer_config.json")) {
            Files.copy(SharedFiles.root().resolve("models/shapes/llama2-tokenizer").resolve(f), shape.resolve(f));
        }
        CliRun r = CliRun.of("generate", "--runtime", "djl", "--model", shape.toString(), "--weights", "random", "--seed", "3",
                "--max-tokens", "8", "--ignore-eos", "--threads", "1", "--cache-dir", dir.resolve("cache").toString(),
                "--offline");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.err().contains("8 generated"), r.err());
    }

    @Test
    void bf16IsRefusedInOneLine() {
        CliRun r = CliRun.of("generate", "--runtime", "djl", "--quant", "bf16", "--model", SharedFiles.stories260k().toString(),
                "--offline");
        assertEquals(4, r.exitCode(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("harness: djl cannot run bf16"), r.err());
    }

    private Path eval(String name, String scoring) throws Exception {
        Path out = dir.resolve(name);
        CliRun r = CliRun.of("eval", "--runtime", "djl", "--task", "arc_easy,winogrande", "--model",
                SharedFiles.stories260k().toString(), "--data-dir", SharedFiles.datasets().toString(), "--limit", "8",
                "--threads", "1", "--runtime-option", "scoring=" + scoring, "--output", out.toString(), "--cache-dir",
                dir.resolve("cache").toString(), "--offline");
        assertEquals(0, r.exitCode(), r.err());
        try (Stream<Path> s = Files.list(out)) {
            return s.findFirst().orElseThrow();
        }
    }

    private static int reused(Path run) throws Exception {
        int sum = 0;
        for (String line : Files.readAllLines(run.resolve("samples-arc_easy.jsonl"))) {
            for (JsonNode c : JSON.readTree(line).path("choices")) sum += c.path("reused_tokens").asInt();
        }
        return sum;
    }

    static List<String> args(String... a) {
        return new ArrayList<>(List.of(a));
    }
}
