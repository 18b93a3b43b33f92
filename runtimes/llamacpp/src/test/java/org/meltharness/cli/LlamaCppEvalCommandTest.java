package org.meltharness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

/** {@code harness eval/generate --runtime llamacpp} end to end on the GGUF files in ../shared. */
class LlamaCppEvalCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    static Path gguf(String name) {
        return SharedFiles.root().resolve("models/stories260K/gguf").resolve(name);
    }

    private String[] eval(Path model, String tasks, int limit, String out, String... more) {
        List<String> args = new ArrayList<>(List.of("eval", "--runtime", "llamacpp", "--task", tasks, "--model",
                model.toString(), "--data-dir", SharedFiles.datasets().toString(), "--limit", String.valueOf(limit),
                "--output", dir.resolve(out).toString(), "--cache-dir", dir.resolve("cache").toString(), "--offline"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private Path onlyRun(String out) throws Exception {
        try (Stream<Path> s = Files.list(dir.resolve(out))) {
            List<Path> runs = s.toList();
            assertEquals(1, runs.size(), runs.toString());
            return runs.getFirst();
        }
    }

    @Test
    void evalRecordsWhatWasLoaded() throws Exception {
        CliRun r = CliRun.of(eval(gguf("stories260K-f32.gguf"), "arc_easy,winogrande", 6, "runs"));
        assertEquals(0, r.exitCode(), r.err());
        Path run = onlyRun("runs");
        assertEquals(6, Files.readAllLines(run.resolve("samples-arc_easy.jsonl")).size());
        assertEquals(6, Files.readAllLines(run.resolve("samples-winogrande.jsonl")).size());
        JsonNode m = JSON.readTree(run.resolve("manifest.json").toFile());
        assertEquals("complete", m.path("status").asText());
        assertEquals("llamacpp", m.path("model").path("runtime").asText());
        assertEquals("f32", m.path("model").path("quant").asText());
        JsonNode info = m.path("runtime");
        assertEquals("llama", info.path("architecture").asText(), info.toString());
        assertEquals(260032, info.path("parameters").asLong());
        assertEquals(1040128, info.path("weight_bytes").asLong());
        JsonNode d = info.path("details");
        assertEquals(47, d.path("tensorTypes").path("f32").asInt(), d.toString());
        assertEquals("f32", d.path("kvType").asText());
        // Flash attention is on only for a quantised cache, which needs it (it changes the numbers).
        assertFalse(d.path("flashAttention").asBoolean(true), d.toString());
        // 5 layers, 4 KV heads of 8, keys and values in f32, at the 512-token window.
        assertEquals(org.meltharness.runtime.ModelInfo.kvCacheBytes(5, 512, 4, 8, 4),
                d.path("kvCacheBytesAtWindow").asLong(), d.toString());
        assertEquals("01b9b9bfd5df4938dfb4a729ee6309a838d8e4bc3bafc91f4d656331393411b3", d.path("fileSha256").asText());
        // The pinned build: llama.cpp 0.5.0, the CPU variant ggml chose for this CPU, the CPU as the only device.
        JsonNode build = d.path("build");
        assertTrue(build.path("version").asText().startsWith("0.5.0"), build.toString());
        assertEquals("0ad4a86", build.path("commit").asText(), build.toString());
        assertTrue(build.path("origin").asText().contains("@node-llama-cpp/"), build.toString());
        boolean x86 = System.getProperty("os.arch").matches("amd64|x86_64");
        String variant = build.path("cpuVariant").asText();
        assertEquals(List.of("cpu-" + variant), JSON.convertValue(build.path("backends"), List.class), build.toString());
        var pinned = org.meltharness.runtime.llamacpp.build.PinnedBuild.forPlatform(
                org.meltharness.runtime.llamacpp.build.Platform.current()).orElseThrow();
        assertTrue(pinned.files().containsKey("libggml-cpu-" + variant + ".so"), variant);
        // Every x86-64 machine of this project has AVX2, so ggml picks a variant that uses it.
        assertTrue(!x86 || d.path("systemInfo").asText().contains("AVX2 = 1"), d.toString());
        assertEquals("cpu", build.path("devices").get(0).path("type").asText(), build.toString());
        assertEquals(0, d.path("gpuLayers").asInt(-1), d.toString());
        assertEquals(1, d.path("devicesUsed").size(), d.toString());
        assertTrue(info.path("tokenizer").asText().contains("llama_tokenize"), info.toString());
        JsonNode sample = JSON.readTree(Files.readAllLines(run.resolve("samples-arc_easy.jsonl")).getFirst());
        assertEquals(4, sample.path("choices").size());
        assertTrue(sample.path("choices").get(1).path("reused_tokens").asInt() > 0, sample.toString());
    }

    @Test
    void quantisedFilesAndHalfPrecisionCachesRun() throws Exception {
        for (String q : List.of("q8_0", "q4_0")) {
            CliRun r = CliRun.of(eval(gguf("stories260K-pad192-" + q + ".gguf"), "arc_easy", 3, q));
            assertEquals(0, r.exitCode(), r.err());
            JsonNode m = JSON.readTree(onlyRun(q).resolve("manifest.json").toFile());
            assertEquals(q, m.path("model").path("quant").asText());
        }
        CliRun f16 = CliRun.of(eval(gguf("stories260K-f32.gguf"), "arc_easy", 3, "f16kv", "--kv-type", "f16"));
        assertEquals(0, f16.exitCode(), f16.err());
        JsonNode m = JSON.readTree(onlyRun("f16kv").resolve("manifest.json").toFile());
        assertEquals("f16", m.path("runtime").path("details").path("kvType").asText());
        assertFalse(m.path("runtime").path("details").path("flashAttention").asBoolean(true));
        assertTrue(m.toString().contains("kv_type"), "the option is recorded with the run");
    }

    @Test
    void twoRunsOfTheSameFileAgreeExactly() throws Exception {
        assertEquals(0, CliRun.of(eval(gguf("stories260K-f32.gguf"), "arc_easy", 5, "a")).exitCode());
        assertEquals(0, CliRun.of(eval(gguf("stories260K-f32.gguf"), "arc_easy", 5, "b", "--runtime-option", "seqs=2")).exitCode());
        CliRun diff = CliRun.of("diff", onlyRun("a").toString(), onlyRun("b").toString(), "--tolerance", "1e-4");
        assertEquals(0, diff.exitCode(), diff.out() + diff.err());
    }

    @Test
    void generatePrintsTheGoldenText() throws Exception {
        CliRun r = CliRun.of("generate", "--runtime", "llamacpp", "--model", gguf("stories260K-f32.gguf").toString(),
                "--max-tokens", "200", "--temperature", "0", "--offline", "--cache-dir", dir.resolve("cache").toString());
        assertEquals(0, r.exitCode(), r.err());
        String golden = Files.readString(SharedFiles.root().resolve("models/stories260K/verification/golden_runc_t0_n200.txt"));
        assertEquals(golden, r.out());
        assertTrue(r.err().contains("200 generated (max_tokens)"), r.err());
    }
}
