package org.meltharness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.SharedFiles;

/** A suite run whole, in cell shards and in document shards gives the same runs once merged. */
class SuiteCommandTest {
    @TempDir
    Path dir;

    private Path suite(int limit) throws Exception {
        Path f = dir.resolve("tiny-" + limit + ".yaml");
        Files.writeString(f, """
                name: tiny
                models: [%s]
                variants: [{quant: f32}]
                tasks: [arc_easy, winogrande]
                limit: %d
                """.formatted(SharedFiles.stories260kPad192(), limit));
        return f;
    }

    private CliRun run(Path suite, Path out, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("suite", "run", suite.toString(), "--output", out.toString(),
                "--data-dir", SharedFiles.datasets().toString(), "--cache-dir", dir.resolve("cache").toString(), "--offline"));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    private static JsonNode rows(Path runDir) throws Exception {
        return new ObjectMapper().readTree(runDir.resolve("summary.json").toFile()).path("rows");
    }

    private static void assertSameScores(Path expected, Path actual) throws Exception {
        JsonNode a = rows(expected);
        JsonNode b = rows(actual);
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).path("metric").asText(), b.get(i).path("metric").asText());
            assertEquals(a.get(i).path("value").asDouble(), b.get(i).path("value").asDouble(), 1e-9, actual.toString());
            assertEquals(a.get(i).path("n").asInt(), b.get(i).path("n").asInt());
        }
        List<String> la = Files.readAllLines(expected.resolve("samples-" + a.get(0).path("task").asText() + ".jsonl"));
        List<String> lb = Files.readAllLines(actual.resolve("samples-" + a.get(0).path("task").asText() + ".jsonl"));
        assertEquals(la.size(), lb.size());
    }

    @Test
    void shardsMergeIntoTheUnshardedRun() throws Exception {
        Path suite = suite(6);
        Path whole = dir.resolve("whole");
        CliRun w = run(suite, whole);
        assertEquals(0, w.exitCode(), w.err());
        Path wholeDir = whole.resolve("suites/tiny");
        String arcCell = Files.list(wholeDir).map(p -> p.getFileName().toString()).filter(n -> n.endsWith("arc_easy")).findFirst().orElseThrow();
        String winoCell = arcCell.replace("arc_easy", "winogrande");

        CliRun again = run(suite, whole);
        assertEquals(0, again.exitCode());
        assertEquals(2, again.err().lines().filter(l -> l.endsWith("is finished; skipped")).count(), again.err());

        Path cells = dir.resolve("cells");
        assertEquals(0, run(suite, cells, "--shard", "1/2").exitCode());
        assertEquals(0, run(suite, cells, "--shard", "2/2").exitCode());
        CliRun m1 = CliRun.of("suite", "merge", cells.resolve("suites/tiny").toString(), "--into", dir.resolve("m1").toString());
        assertEquals(0, m1.exitCode(), m1.err());
        assertSameScores(wholeDir.resolve(arcCell), dir.resolve("m1").resolve(arcCell));
        assertSameScores(wholeDir.resolve(winoCell), dir.resolve("m1").resolve(winoCell));

        Path d1 = dir.resolve("d1");
        Path d2 = dir.resolve("d2");
        assertEquals(0, run(suite, d1, "--split-documents", "--shard", "1/2").exitCode());
        assertEquals(0, run(suite, d2, "--split-documents", "--shard", "2/2").exitCode());
        assertTrue(Files.exists(d1.resolve("suites/tiny").resolve(arcCell + ".shard-1-of-2")));
        CliRun merged = CliRun.of("suite", "merge", d1.resolve("suites/tiny").toString(), d2.resolve("suites/tiny").toString(),
                "--into", dir.resolve("m2").toString());
        assertEquals(0, merged.exitCode(), merged.err());
        assertSameScores(wholeDir.resolve(arcCell), dir.resolve("m2").resolve(arcCell));
        assertSameScores(wholeDir.resolve(winoCell), dir.resolve("m2").resolve(winoCell));

        // Shards made with other options do not merge.
        Path d3 = dir.resolve("d3");
        assertEquals(0, run(suite(4), d3, "--split-documents", "--shard", "2/2").exitCode());
        CliRun refused = CliRun.of("suite", "merge", d1.resolve("suites/tiny").toString(), d3.resolve("suites/tiny").toString(),
                "--into", dir.resolve("m3").toString());
        assertEquals(2, refused.exitCode());
        assertTrue(refused.err().contains("different options"), refused.err());
        assertTrue(!Files.exists(dir.resolve("m3")) || Files.list(dir.resolve("m3")).filter(p -> !p.getFileName().toString()
                .startsWith(".")).findAny().isEmpty(), "a refused merge writes no cell");

        // A missing shard refuses the whole merge before any cell is written, so the retry with all of them works;
        // merging again into the same folder is a usage error, not an internal one.
        CliRun partial = CliRun.of("suite", "merge", d1.resolve("suites/tiny").toString(), "--into", dir.resolve("m4").toString());
        assertEquals(2, partial.exitCode(), partial.err());
        assertTrue(partial.err().contains("has 1 of its 2 shards"), partial.err());
        assertTrue(!Files.exists(dir.resolve("m4").resolve(arcCell)) && !Files.exists(dir.resolve("m4").resolve(winoCell)));
        CliRun twice = CliRun.of("suite", "merge", d1.resolve("suites/tiny").toString(), d2.resolve("suites/tiny").toString(),
                "--into", dir.resolve("m2").toString());
        assertEquals(2, twice.exitCode(), twice.err());
        assertTrue(twice.err().contains("exists already"), twice.err());
    }

    @Test
    void schedulersChooseTheShard() {
        var slurm = org.meltharness.eval.Shard.fromEnvironment(java.util.Map.of("SLURM_ARRAY_TASK_ID", "3", "SLURM_ARRAY_TASK_MIN", "0",
                "SLURM_ARRAY_TASK_COUNT", "4"), 0);
        assertEquals("4/4", slurm.toString());
        var k8s = org.meltharness.eval.Shard.fromEnvironment(java.util.Map.of("JOB_COMPLETION_INDEX", "0"), 3);
        assertEquals("1/3", k8s.toString());
        var bad = org.junit.jupiter.api.Assertions.assertThrows(org.meltharness.HarnessException.class,
                () -> org.meltharness.eval.Shard.fromEnvironment(java.util.Map.of("SLURM_ARRAY_TASK_ID", "3a"), 4));
        assertEquals("the scheduler's SLURM_ARRAY_TASK_ID is '3a', not a whole number", bad.getMessage());
        assertEquals("1/1", org.meltharness.eval.Shard.fromEnvironment(java.util.Map.of(), 0).toString());
    }
}
