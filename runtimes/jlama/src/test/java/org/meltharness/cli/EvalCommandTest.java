package org.meltharness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.SharedFiles;

/** {@code harness eval} end to end on the real model and data, through the command line. */
class EvalCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private String[] eval(String tasks, int limit, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("eval", "--task", tasks, "--model",
                SharedFiles.stories260kPad192().toString(), "--data-dir", SharedFiles.datasets().toString(), "--limit",
                String.valueOf(limit), "--output", dir.resolve("runs").toString(), "--cache-dir", dir.resolve("cache").toString(),
                "--offline"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private Path onlyRun() throws Exception {
        try (Stream<Path> s = Files.list(dir.resolve("runs"))) {
            List<Path> runs = s.toList();
            assertEquals(1, runs.size(), runs.toString());
            return runs.getFirst();
        }
    }

    @Test
    void writesManifestSamplesAndSummary() throws Exception {
        CliRun r = CliRun.of(eval("arc_easy,winogrande", 6));
        assertEquals(0, r.exitCode(), r.err());
        Path run = onlyRun();
        assertEquals(6, Files.readAllLines(run.resolve("samples-arc_easy.jsonl")).size());
        assertEquals(6, Files.readAllLines(run.resolve("samples-winogrande.jsonl")).size());
        JsonNode manifest = JSON.readTree(run.resolve("manifest.json").toFile());
        assertEquals("complete", manifest.get("status").asText());
        assertEquals("jlama", manifest.path("model").path("runtime").asText());
        assertEquals("f32", manifest.path("model").path("quant").asText());
        assertEquals(64, manifest.path("model").path("weights").get(0).path("sha256").asText().length());
        assertTrue(manifest.path("measurements").path("peak_rss_bytes").asLong() > 0);
        JsonNode arc = manifest.path("tasks").get(0);
        assertEquals("arc_easy", arc.path("name").asText());
        assertEquals(0, arc.path("convention").path("num_fewshot").asInt());
        assertTrue(arc.path("convention").path("metrics").path("acc_norm").asText().contains("Unicode characters"));
        assertEquals("data-dir", arc.path("data").path("eval").path("files").get(0).path("origin").asText());
        JsonNode sample = JSON.readTree(Files.readAllLines(run.resolve("samples-arc_easy.jsonl")).getFirst());
        assertEquals(0, sample.path("doc_id").asInt());
        assertEquals(4, sample.path("choices").size());
        assertTrue(sample.path("choices").get(0).path("ll").asDouble() < 0);
        assertTrue(sample.path("time_ms").asDouble() > 0);
        List<String> csv = Files.readAllLines(run.resolve("summary.csv"));
        assertEquals("task,metric,value,stderr,n,total_s,ms_per_item,tokens_per_s,prefill_tokens_per_s", csv.getFirst());
        assertEquals(3, csv.size() - 1, "arc_easy acc and acc_norm, winogrande acc: " + csv);
        assertTrue(r.out().contains("| arc_easy | acc_norm |"), r.out());
    }

    @Test
    void aResumedRunEndsWithTheSameSummary() throws Exception {
        CliRun full = CliRun.of(eval("arc_easy", 12));
        assertEquals(0, full.exitCode(), full.err());
        Path run = onlyRun();
        JsonNode expected = JSON.readTree(run.resolve("summary.json").toFile()).path("rows");
        // Kill it after 5 documents, mid-way through writing the sixth.
        Path samples = run.resolve("samples-arc_easy.jsonl");
        List<String> lines = Files.readAllLines(samples);
        Files.writeString(samples, String.join("\n", lines.subList(0, 5)) + "\n" + lines.get(5).substring(0, 40));
        Files.delete(run.resolve("summary.json"));
        CliRun resumed = CliRun.of("eval", "--resume", run.getFileName().toString(), "--output", dir.resolve("runs").toString(),
                "--cache-dir", dir.resolve("cache").toString(), "--offline");
        assertEquals(0, resumed.exitCode(), resumed.err());
        // The torn sixth line is closed, not cut (it could have been another process's line in flight),
        // and set aside in samples-arc_easy.jsonl.bad when read: twelve records in thirteen lines.
        List<String> after = Files.readAllLines(samples);
        assertEquals(13, after.size());
        assertEquals(lines.get(5).substring(0, 40), after.get(5));
        assertEquals(12, org.meltharness.results.JsonlLog.read(samples, org.meltharness.results.SampleRecord.class, w -> { }).size());
        assertEquals(lines.get(5).substring(0, 40) + "\n", Files.readString(run.resolve("samples-arc_easy.jsonl.bad")));
        JsonNode rows = JSON.readTree(run.resolve("summary.json").toFile()).path("rows");
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).path("value").asDouble(), rows.get(i).path("value").asDouble(), 1e-12);
            assertEquals(expected.get(i).path("stderr").asDouble(), rows.get(i).path("stderr").asDouble(), 1e-12);
            assertEquals(expected.get(i).path("n").asInt(), rows.get(i).path("n").asInt());
        }
        JsonNode manifest = JSON.readTree(run.resolve("manifest.json").toFile());
        assertEquals(2, manifest.path("segments").size(), "one segment per process that worked on the run");
    }

    @Test
    void resumingWithOtherOptionsIsRefused() throws Exception {
        assertEquals(0, CliRun.of(eval("arc_easy", 2)).exitCode());
        String id = onlyRun().getFileName().toString();
        CliRun r = CliRun.of("eval", "--resume", id, "--limit", "3", "--output", dir.resolve("runs").toString(), "--offline");
        assertEquals(2, r.exitCode());
        assertEquals("harness: run " + id + " was made with --limit 2; resume it with the same value or without the option\n",
                r.err());
        CliRun other = CliRun.of("eval", "--resume", id, "--runtime-option", "scoring=none", "--output", dir.resolve("runs").toString(),
                "--offline");
        assertEquals(2, other.exitCode(), other.err());
        assertTrue(other.err().contains("was made with --runtime-option (or --kv-type, --endpoint) {}"), other.err());
    }

    @Test
    void badInputsAreOneLineAndLeaveNoRun() throws Exception {
        CliRun unknown = CliRun.of(eval("arc_esy", 2));
        assertEquals(2, unknown.exitCode());
        assertEquals("harness: unknown task 'arc_esy' (did you mean 'arc_easy'?); './harness tasks' lists them\n", unknown.err());

        CliRun noData = CliRun.of("eval", "--task", "arc_easy", "--model", SharedFiles.stories260kPad192().toString(),
                "--output", dir.resolve("runs").toString(), "--cache-dir", dir.resolve("cache").toString(), "--offline");
        assertEquals(3, noData.exitCode());
        assertEquals(1, noData.err().lines().count(), noData.err());
        assertTrue(noData.err().contains("pass --data-dir DIR holding arc/ARC-Easy/ARC-Easy-Test.jsonl"), noData.err());

        CliRun noModel = CliRun.of("eval", "--task", "arc_easy", "--model", dir.resolve("nope").toString(), "--offline");
        assertEquals(3, noModel.exitCode());
        assertEquals("harness: model path " + dir.resolve("nope") + " does not exist\n", noModel.err());

        CliRun badQuant = CliRun.of(eval("arc_easy", 2, "--quant", "q3"));
        assertEquals(2, badQuant.exitCode());
        assertTrue(badQuant.err().startsWith("harness: runtime jlama does not offer --quant q3"), badQuant.err());

        CliRun unpadded = CliRun.of("eval", "--task", "arc_easy", "--model", SharedFiles.stories260k().toString(), "--data-dir",
                SharedFiles.datasets().toString(), "--limit", "2", "--output", dir.resolve("runs").toString(), "--offline");
        assertEquals(4, unpadded.exitCode());
        assertEquals(1, unpadded.err().lines().filter(l -> l.startsWith("harness: ")).count(), unpadded.err());
        for (String[] bad : List.of(eval("arc_easy", 2, "--batch-docs", "0"), eval("arc_easy", 2, "--num-fewshot", "-2"))) {
            CliRun r = CliRun.of(bad);
            assertEquals(2, r.exitCode(), r.err());
            assertEquals(1, r.err().lines().count(), r.err());
        }
        // A reference run without top-k is refused before a run folder is made.
        Path refRoot = dir.resolve("ref");
        assertEquals(0, CliRun.of("eval", "--task", "arc_easy", "--model", SharedFiles.stories260kPad192().toString(), "--data-dir",
                SharedFiles.datasets().toString(), "--limit", "2", "--output", refRoot.toString(), "--offline").exitCode());
        Path ref;
        try (Stream<Path> s = Files.list(refRoot)) {
            ref = s.findFirst().orElseThrow();
        }
        CliRun noTopk = CliRun.of(eval("arc_easy", 2, "--fidelity-against", ref.toString()));
        assertEquals(2, noTopk.exitCode(), noTopk.err());
        assertTrue(noTopk.err().contains("has no top-k for arc_easy (run it with --store-topk)"), noTopk.err());
        assertTrue(!Files.exists(dir.resolve("runs")) || Files.list(dir.resolve("runs")).findAny().isEmpty(),
                "a run that could not start leaves no folder");
    }
}
