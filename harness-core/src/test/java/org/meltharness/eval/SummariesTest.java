package org.meltharness.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.results.RunManifest;
import org.meltharness.results.RunStatus;
import org.meltharness.results.RunStore;
import org.meltharness.results.JsonlLog;
import org.meltharness.results.SampleRecord;
import org.meltharness.results.Summary;
import org.meltharness.results.SummaryRow;
import org.meltharness.task.GroupSpec;

/** Summaries come from the samples files alone; groups weight by size and pool stderrs as lm-eval does. */
class SummariesTest {
    @TempDir
    Path dir;

    private static SampleRecord doc(int id, double acc, double timeMs, int ctxTokens, int reused) {
        var c = new SampleRecord.Choice(" x", -1, false, ctxTokens, 2, reused, false, new double[] {-1}, timeMs / 2, timeMs);
        return new SampleRecord(id, "d", "p", 0, 0, 0, Map.of("acc", acc), List.of(c), timeMs, timeMs / 2, ctxTokens + 2, null);
    }

    private static RunManifest.TaskRecord task(String name, int docs) {
        return new RunManifest.TaskRecord(name, "f", "h", 1.0, docs, List.of("acc"), Map.of(), Map.of());
    }

    @Test
    void tasksAndSizeWeightedGroups() {
        RunStore store = RunStore.create(dir, "t");
        try (JsonlLog<SampleRecord> a = JsonlLog.open(store.samplesFile("a"))) {
            for (int i = 0; i < 4; i++) a.append(doc(i, i == 0 ? 0 : 1, 10, 8, 4)); // 3/4
        }
        try (JsonlLog<SampleRecord> b = JsonlLog.open(store.samplesFile("b"))) {
            for (int i = 0; i < 10; i++) b.append(doc(i, i < 3 ? 1 : 0, 20, 8, 0)); // 3/10
        }
        var manifest = new RunManifest(store.runId(), "now", RunStatus.COMPLETE, null, null, null, List.of(task("a", 4), task("b", 10)),
                null, null, List.of());
        var group = new GroupSpec("g", null, List.of("a", "b"), List.of(new GroupSpec.Aggregate("acc", null, true)), null);
        Summary s = Summaries.build(store, manifest, Map.of(group, List.of("a", "b")));
        assertTrue(s.complete());
        SummaryRow a = s.rows().get(0);
        assertEquals(0.75, a.value(), 1e-15);
        assertEquals(Math.sqrt(0.75 * 0.25 / 3), a.stderr(), 1e-15);
        assertEquals(4, a.n());
        assertEquals(0.04, a.totalSeconds(), 1e-12);
        assertEquals(10, a.msPerItem(), 1e-12);
        assertEquals(40 / 0.04, a.tokensPerSecond(), 1e-9, "10 tokens per document over 10 ms");
        assertEquals(16 / 0.02, a.prefillTokensPerSecond(), 1e-9, "4 computed context tokens per document over 5 ms");
        SummaryRow g = s.rows().get(2);
        assertEquals("g", g.task());
        assertEquals(6.0 / 14, g.value(), 1e-15, "micro average: 6 right of 14");
        double sa = Math.sqrt(0.75 * 0.25 / 3);
        double sb = Math.sqrt(0.3 * 0.7 / 9);
        assertEquals(Math.sqrt((3 * sa * sa * 4 + 9 * sb * sb * 10) / 12 / 14), g.stderr(), 1e-15);
        assertEquals(14, g.n());
    }

    @Test
    void aRunWithMissingDocumentsIsIncompleteAndDuplicatesCountOnce() {
        RunStore store = RunStore.create(dir, "t");
        try (JsonlLog<SampleRecord> a = JsonlLog.open(store.samplesFile("a"))) {
            a.append(doc(0, 1, 1, 1, 0));
            a.append(doc(0, 0, 1, 1, 0));
        }
        var manifest = new RunManifest(store.runId(), "now", RunStatus.RUNNING, null, null, null, List.of(task("a", 3)), null, null,
                List.of());
        Summary s = Summaries.build(store, manifest, Map.of());
        assertFalse(s.complete());
        assertEquals(1, s.rows().getFirst().n());
        assertEquals(1.0, s.rows().getFirst().value());
    }
}
