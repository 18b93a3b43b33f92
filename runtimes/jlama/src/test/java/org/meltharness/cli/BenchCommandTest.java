package org.meltharness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.SharedFiles;
import org.meltharness.io.Json;

/** {@code harness bench} end to end on Jlama and stories260K, with the measure fixtures standing in for sensors. */
class BenchCommandTest {
    private static final String MODEL = SharedFiles.stories260kPad192().toString();

    @Test
    void chatRunWritesItsFolderVerifiesLaterRunsAndIsReported(@TempDir Path root) throws Exception {
        Path prompts = root.resolve("prompts.json");
        Files.writeString(prompts, "[[\"Once upon a time\", \"What happened next?\"], [\"Tell me a story\"]]");
        CliRun a = bench(root, "a", "--prompts", prompts.toString(), "--max-tokens", "8", "--repetitions", "2", "--warmup", "1",
                "--meter", "none");
        assertEquals(0, a.exitCode(), a.err());
        Path dir = root.resolve("a");
        for (String f : List.of("manifest.json", "bench.json", "samples-bench.jsonl", "summary.json", "summary.csv", "turns.csv",
                "timeseries.csv", "phases.csv", "ttft-per-turn.png", "ttft-per-turn.svg", "decode-rate-per-turn.png",
                "decode-rate-per-turn.svg")) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f);
        }
        assertEquals(1 + 2 * 3, Files.readAllLines(dir.resolve("samples-bench.jsonl")).size(), "one warm-up, two passes of three turns");
        assertTrue(a.err().contains("bench 7/7 turns (100%)"), a.err());
        JsonNode s = json(dir.resolve("summary.json"));
        assertEquals(6, s.get("measured_turns").asInt());
        assertEquals(1, s.get("warmup_turns").asInt());
        JsonNode decode = metric(s, "chat", "decode_tok_s");
        assertEquals(2, decode.get("n").asInt(), "mean ± sd over the two repetitions");
        assertTrue(decode.get("mean").asDouble() > 0);
        assertTrue(decode.has("sd"));
        for (JsonNode e : s.get("energy")) {
            assertFalse(e.has("joules"), "no meter: no joules, not 0");
            assertEquals("no power meter configured", e.get("unavailable").asText());
        }
        assertTrue(s.get("overhead").get("fraction").asDouble() >= 0);
        assertTrue(s.get("peak_rss_bytes").asLong() > 0);
        assertEquals("complete", json(dir.resolve("manifest.json")).get("status").asText());
        assertEquals("plain", json(dir.resolve("bench.json")).get("chat_template").asText());
        assertTrue(a.out().contains("| chat | decode_tok_s (tok/s) |"), a.out());

        CliRun b = bench(root, "b", "--prompts", prompts.toString(), "--max-tokens", "8", "--repetitions", "2", "--warmup", "0",
                "--meter", "none", "--verify-against", "a");
        assertEquals(0, b.exitCode(), b.err());
        JsonNode vb = json(root.resolve("b/summary.json")).get("verification");
        assertEquals(6, vb.get("compared").asInt());
        assertEquals(0, vb.get("changed").asInt(), "greedy decoding repeats itself");

        // A reference whose second conversation came out differently: both repetitions of it are flagged.
        Path samples = dir.resolve("samples-bench.jsonl");
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(samples)) {
            ObjectNode r = (ObjectNode) Json.mapper().readTree(line);
            if (r.get("conversation").asInt() == 1) ((ArrayNode) r.get("tokens")).set(3, 0);
            lines.add(Json.mapper().writeValueAsString(r));
        }
        Files.writeString(samples, String.join("\n", lines) + "\n");
        CliRun c = bench(root, "c", "--prompts", prompts.toString(), "--max-tokens", "8", "--repetitions", "2", "--warmup", "0",
                "--meter", "none", "--verify-against", dir.toString());
        assertEquals(0, c.exitCode(), c.err());
        JsonNode vc = json(root.resolve("c/summary.json")).get("verification");
        assertEquals(2, vc.get("changed").asInt(), vc.toString());
        assertEquals("chat/1/0#0@3", vc.get("changed_turns").get(0).asText());
        assertTrue(c.err().contains("OUTPUTS CHANGED against run a: 2 of 6 turns"), c.err());

        CliRun report = CliRun.of("report", "-o", root.toString(), "--report-dir", root.resolve("report").toString());
        assertEquals(0, report.exitCode(), report.err());
        assertTrue(report.out().contains("Generation benchmarks"), report.out());
        assertTrue(report.out().contains("| stories260K/hf-pad192 | f32 | jlama | chat |"), report.out());
        for (String f : List.of("bench.md", "bench.csv", "bench.tex", "bench.json")) assertTrue(Files.isRegularFile(root.resolve("report/" + f)), f);
        assertFalse(Files.exists(dir.resolve("results.json")), "no lm-eval results for a bench run");
    }

    @Test
    void syntheticTestsWithAPowerMeterAndThermalZones(@TempDir Path root) throws Exception {
        Path fixtures = measureFixtures();
        CliRun r = bench(root, "pp", "--pp", "32", "--tg", "16", "--repetitions", "2", "--warmup", "1",
                "--sys-root", fixtures.resolve("sys-laptop").toString(), "--meter", "nvidia",
                "--nvidia-smi", "sh " + fixtures.resolve("nvidia-smi/endless.sh"), "--sample-period", "20ms", "--cooldown-to", "70");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.err().contains("cool-down to 70.0 °C: reached"), r.err());
        JsonNode s = json(root.resolve("pp/summary.json"));
        assertEquals("synthetic", s.get("mode").asText());
        assertEquals(32.0, metric(s, "pp", "input_tokens").get("mean").asDouble(), "a prompt of 32 random tokens, BOS included");
        assertEquals(16.0, metric(s, "tg", "output_tokens").get("mean").asDouble(), "tg ignores end-of-sequence");
        assertTrue(metric(s, "tg", "decode_tok_s").get("mean").asDouble() > 0);
        assertEquals(67.0, s.get("start_celsius").asDouble(), "the fixture's hottest zone");
        boolean decodeMeasured = false;
        for (JsonNode e : s.get("energy")) {
            assertEquals("nvidia", e.get("meter").asText());
            assertTrue(e.get("joules").asDouble() > 0, e.toString());
            if (e.get("phase").asText().equals("decode")) {
                decodeMeasured = e.get("joules_per_token").asDouble() > 0;
                // Decode makes 15 of each tg turn's 16 tokens (the first comes from prefill), over 2
                // repetitions; pp turns (one token) add no decode window.
                assertEquals(e.get("joules").asDouble() / 30, e.get("joules_per_token").asDouble(), 1e-12, e.toString());
            }
        }
        assertTrue(decodeMeasured);
        String turns = Files.readString(root.resolve("pp/turns.csv"));
        assertTrue(turns.contains(",67.0,67.0,"), "every row carries its start and end temperature: " + turns);
        String series = Files.readString(root.resolve("pp/timeseries.csv"));
        assertTrue(series.contains("nvidia,gpu0,power,W,150.32"), "the meter's samples are kept");
        assertTrue(series.contains("thermal,thermal_zone10:x86_pkg_temp,temperature,degC,67"));
    }

    @Test
    void aMonsoonTraceAlignedByItsStartGivesDeviceEnergy(@TempDir Path root) throws Exception {
        // A PowerTool-style export: a steady 4 W from a second before the run for two minutes.
        StringBuilder csv = new StringBuilder("Time(ms),Main(mA),Main Avg Power(mW),Main Voltage(V)\n");
        for (int ms = 0; ms <= 120_000; ms += 100) csv.append(ms).append(",1000.0,4000.0,4.0\n");
        Path trace = root.resolve("monsoon.csv");
        Files.writeString(trace, csv);
        String start = java.time.Instant.now().minusSeconds(1).toString();
        CliRun r = bench(root, "m", "--tg", "8", "--repetitions", "2", "--warmup", "0", "--meter", "none",
                "--monsoon-trace", trace.toString(), "--monsoon-start", start);
        assertEquals(0, r.exitCode(), r.err());
        JsonNode energy = json(root.resolve("m/summary.json")).get("energy");
        assertEquals(3, energy.size(), "the trace alone: no 'none' meter beside it");
        for (JsonNode e : energy) {
            assertEquals("monsoon", e.get("meter").asText());
            assertEquals("device", e.get("scope").asText());
            assertEquals(4.0, e.get("mean_watts").asDouble(), 1e-9, e.toString());
        }
        assertTrue(energy.get(2).get("joules_per_token").asDouble() > 0);
        CliRun noStart = bench(root, "m2", "--tg", "8", "--monsoon-trace", trace.toString());
        assertEquals(2, noStart.exitCode());
        assertTrue(noStart.err().contains("--monsoon-trace needs --monsoon-start"), noStart.err());
    }

    @Test
    void sustainedRunPlotsRateAndTemperatureOverTime(@TempDir Path root) throws Exception {
        Path prompts = root.resolve("prompts.json");
        Files.writeString(prompts, "[[\"Hello\", \"Go on\"]]");
        CliRun r = bench(root, "s", "--prompts", prompts.toString(), "--sustained", "1500ms", "--max-tokens", "8", "--warmup", "1",
                "--sys-root", measureFixtures().resolve("sys-laptop").toString(), "--meter", "none");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode s = json(root.resolve("s/summary.json"));
        assertEquals("sustained", s.get("mode").asText());
        assertTrue(s.get("measured_turns").asInt() >= 1);
        for (String f : List.of("sustained-tok-s.png", "sustained-tok-s.svg", "sustained-temperature.png", "sustained-temperature.svg")) {
            assertTrue(Files.isRegularFile(root.resolve("s/" + f)), f);
        }
    }

    @Test
    void refusesWhatItCannotDo(@TempDir Path root) {
        CliRun both = bench(root, "x", "--pp", "8", "--sustained", "1m");
        assertEquals(2, both.exitCode());
        assertTrue(both.err().contains("--sustained runs conversations"), both.err());
        CliRun cool = bench(root, "y", "--cooldown-to", "45", "--sys-root", root.toString(), "--meter", "none");
        assertEquals(2, cool.exitCode());
        assertTrue(cool.err().contains("--cooldown-to needs thermal sensors"), cool.err());
    }

    private static CliRun bench(Path root, String runId, String... args) {
        List<String> all = new ArrayList<>(List.of("bench", "--model", MODEL, "--offline", "-o", root.toString(), "--run-id", runId));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }

    private static JsonNode json(Path file) throws Exception {
        return Json.mapper().readTree(Files.readString(file));
    }

    private static JsonNode metric(JsonNode summary, String kind, String name) {
        for (JsonNode m : summary.get("metrics")) {
            if (m.get("kind").asText().equals(kind) && m.get("metric").asText().equals(name)) return m;
        }
        throw new AssertionError("no " + kind + "/" + name + " in " + summary.get("metrics"));
    }

    /** harness-core's sensor fixtures, found from this module's folder. */
    private static Path measureFixtures() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path f = p.resolve("harness-core/src/test/resources/measure");
            if (Files.isDirectory(f)) return f;
        }
        throw new IllegalStateException("harness-core/src/test/resources/measure not found above " + Path.of("").toAbsolutePath());
    }
}
