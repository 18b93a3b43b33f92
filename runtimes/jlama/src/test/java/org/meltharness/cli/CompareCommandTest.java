package org.meltharness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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

/** {@code harness compare} of f32 and q4 stories260K: runs what is missing, then the same numbers from stored runs. */
class CompareCommandTest {
    @TempDir
    Path dir;

    private CliRun compare() {
        // --output relative, as users type it (results/...): stored runs must be found again all the same.
        Path relative = Path.of("").toAbsolutePath().relativize(dir);
        return CliRun.of("compare", "--task", "arc_easy", "--model", SharedFiles.stories260kPad192().toString(), "--quant", "f32,q4",
                "--data-dir", SharedFiles.datasets().toString(), "--limit", "20", "--output", relative.toString(), "--cache-dir",
                dir.resolve("cache").toString(), "--offline");
    }

    private JsonNode latestComparison() throws Exception {
        try (Stream<Path> s = Files.list(dir.resolve("comparisons"))) {
            Path last = s.sorted().reduce((a, b) -> b).orElseThrow();
            return new ObjectMapper().readTree(last.resolve("compare.json").toFile());
        }
    }

    @Test
    void quantisationAgainstTheReferenceWithFidelityAndThenFromStoredRuns() throws Exception {
        CliRun first = compare();
        assertEquals(0, first.exitCode(), first.err());
        JsonNode rows = latestComparison();
        assertEquals(4, rows.size(), "f32 and q4, acc and acc_norm");
        JsonNode ref = rows.get(0);
        assertEquals("f32", ref.path("quant").asText());
        assertTrue(ref.path("delta").isMissingNode() || ref.path("delta").isNull(), "the reference has no delta");
        JsonNode q4 = rows.get(2);
        assertEquals("q4", q4.path("quant").asText());
        assertTrue(q4.path("kl_mean").asDouble() > 0, "q4 moves the distributions: " + q4);
        assertTrue(q4.path("top1_agreement").asDouble() < 1, "q4 changes some most-likely tokens: " + q4);
        assertTrue(q4.path("delta_low").asDouble() <= q4.path("delta").asDouble());
        assertTrue(q4.path("mcnemar_p").asDouble() > 0 && q4.path("mcnemar_p").asDouble() <= 1);
        assertTrue(q4.path("model_bytes").asLong() < ref.path("model_bytes").asLong());
        assertTrue(q4.path("peak_rss_bytes").asLong() > 0 && q4.path("ms_per_doc").asDouble() > 0);
        assertNull(q4.get("energy_per_doc_j"), "no power meter, no energy figure (not zero)");

        CliRun again = compare();
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.err().contains("reusing run"), again.err());
        assertEquals(rows, latestComparison(), "the same numbers from stored runs");

        List<String> runIds;
        try (Stream<Path> s = Files.list(dir)) {
            runIds = s.filter(p -> Files.exists(p.resolve("manifest.json"))).map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(2, runIds.size(), "nothing was run twice: " + runIds);
        String refId = runIds.stream().filter(id -> id.contains("-f32-")).findFirst().orElseThrow();
        String q4Id = runIds.stream().filter(id -> id.contains("-q4-")).findFirst().orElseThrow();
        CliRun stored = CliRun.of("compare", refId, q4Id, "--output", dir.toString());
        assertEquals(0, stored.exitCode(), stored.err());
        assertEquals(rows, latestComparison());

        // Against another f32 run of the same documents: accuracy deltas, but no KL or top-1, since
        // q4's distributions were compared with the first reference, not this one.
        CliRun otherRef = CliRun.of("eval", "--task", "arc_easy", "--model", SharedFiles.stories260kPad192().toString(),
                "--data-dir", SharedFiles.datasets().toString(), "--limit", "20", "--output", dir.resolve("other").toString(),
                "--offline");
        assertEquals(0, otherRef.exitCode(), otherRef.err());
        Path otherRun;
        try (Stream<Path> s = Files.list(dir.resolve("other"))) {
            otherRun = s.filter(p -> Files.exists(p.resolve("manifest.json"))).findFirst().orElseThrow();
        }
        CliRun elsewhere = CliRun.of("compare", otherRun.toString(), dir.resolve(q4Id).toString(), "--output", dir.toString());
        assertEquals(0, elsewhere.exitCode(), elsewhere.err());
        JsonNode q4There = latestComparison().get(2);
        assertEquals(q4.path("delta").asDouble(), q4There.path("delta").asDouble(), 1e-12, "same f32 scores, same delta");
        assertTrue(q4There.path("kl_mean").isMissingNode() || q4There.path("kl_mean").isNull(), q4There.toString());
        assertTrue(q4There.path("top1_agreement").isMissingNode() || q4There.path("top1_agreement").isNull(), q4There.toString());
    }

    @Test
    void differentDocumentsAreRefused() throws Exception {
        for (String limit : List.of("3", "4")) {
            CliRun r = CliRun.of("eval", "--task", "arc_easy", "--model", SharedFiles.stories260kPad192().toString(), "--data-dir",
                    SharedFiles.datasets().toString(), "--limit", limit, "--output", dir.toString(), "--offline");
            assertEquals(0, r.exitCode(), r.err());
        }
        List<String> ids;
        try (Stream<Path> s = Files.list(dir)) {
            ids = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        CliRun r = CliRun.of("compare", ids.get(0), ids.get(1), "--output", dir.toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("compare needs the same documents"), r.err());
    }
}
