package org.meltharness.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.SharedFiles;

/**
 * The end-to-end check: {@code eval --runtime http} against {@code serve} gives the same
 * per-choice log-likelihoods as in-process {@code eval} (within 1e-4) on 100 arc_easy documents;
 * a streamed generation reports TTFT and per-token times.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EvalOverHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private OpenAiServer server;

    @BeforeAll
    void start() {
        server = Served.start();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private Path eval(String name, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("eval", "--task", "arc_easy", "--model", Served.model(),
                "--data-dir", SharedFiles.datasets().toString(), "--limit", "100", "--output",
                dir.resolve(name).toString(), "--cache-dir", dir.resolve("cache").toString(), "--offline"));
        args.addAll(List.of(more));
        Served.Run r = Served.cli(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());
        try (Stream<Path> s = Files.list(dir.resolve(name))) {
            return s.findFirst().orElseThrow();
        }
    }

    @Test
    void httpEvalMatchesInProcessPerChoice() throws Exception {
        Path local = eval("local", "--runtime", "jlama", "--threads", "1");
        Path remote = eval("remote", "--runtime", "http", "--endpoint", server.baseUrl(),
                "--runtime-option", "concurrency=3", "--runtime-option", "batch=8");

        Served.Run diff = Served.cli("diff", local.toString(), remote.toString(), "--tolerance", "1e-4");
        assertEquals(0, diff.exitCode(), diff.out() + diff.err());

        List<String> a = Files.readAllLines(local.resolve("samples-arc_easy.jsonl"));
        List<String> b = Files.readAllLines(remote.resolve("samples-arc_easy.jsonl"));
        assertEquals(100, a.size());
        assertEquals(100, b.size());
        double worst = 0;
        int choices = 0;
        for (int i = 0; i < a.size(); i++) {
            JsonNode x = JSON.readTree(a.get(i));
            JsonNode y = JSON.readTree(b.get(i));
            assertEquals(x.path("doc_id").asInt(), y.path("doc_id").asInt());
            JsonNode lx = loglikelihoods(x);
            JsonNode ly = loglikelihoods(y);
            assertEquals(lx.size(), ly.size(), a.get(i));
            for (int c = 0; c < lx.size(); c++) {
                worst = Math.max(worst, Math.abs(lx.get(c).asDouble() - ly.get(c).asDouble()));
                choices++;
            }
        }
        assertTrue(choices >= 390, "choices compared: " + choices);
        assertTrue(worst <= 1e-4, "largest per-choice difference " + worst);
        System.err.printf("EvalOverHttpTest: %d choices, largest |delta ll| %.2e%n", choices, worst);

        JsonNode manifest = JSON.readTree(remote.resolve("manifest.json").toFile());
        assertEquals("http", manifest.path("model").path("runtime").asText());
        String options = manifest.path("options").toString();
        assertTrue(options.contains(server.baseUrl()) && options.contains("\"concurrency\":\"3\"")
                && options.contains("\"batch\":\"8\""), "--endpoint and every --runtime-option recorded: " + options);
    }

    /** The per-choice log-likelihoods of one sample line. */
    private static JsonNode loglikelihoods(JsonNode sample) {
        List<Double> out = new ArrayList<>();
        for (JsonNode c : sample.path("choices")) out.add(c.path("ll").asDouble());
        return JSON.valueToTree(out);
    }

    @Test
    void streamedGenerationReportsTimeToFirstTokenAndPerTokenTimes() {
        Served.Run r = Served.cli("generate", "--runtime", "http", "--endpoint", server.baseUrl(), "--model",
                Served.model(), "--prompt", "Once upon a time", "--max-tokens", "24", "--ignore-eos");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.err().contains("TTFT") && r.err().contains("24 generated"), r.err());
        Served.Run local = Served.cli("generate", "--runtime", "jlama", "--threads", "1", "--model", Served.model(),
                "--prompt", "Once upon a time", "--max-tokens", "24", "--ignore-eos", "--offline");
        assertEquals(0, local.exitCode(), local.err());
        assertEquals(local.out(), r.out(), "greedy text over HTTP equals in-process");
    }
}
