package org.meltharness.report;

import org.meltharness.table.TableFormat;
import org.meltharness.table.Table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.bench.BenchConfig;
import org.meltharness.bench.BenchFiles;
import org.meltharness.bench.BenchMode;
import org.meltharness.bench.BenchStatistics.MetricSummary;
import org.meltharness.bench.BenchSummary;
import org.meltharness.bench.Overhead;
import org.meltharness.bench.PhaseEnergy;
import org.meltharness.results.RunStore;

/** Bench runs found among stored runs become the report's bench table, in every format. */
class BenchTableTest {

    @Test
    void aTableRowPerRunWithEnergyUnavailableNotZero(@TempDir Path root) throws Exception {
        write(root, "run-a", summary("run-a", "jlama", "q4", List.of(
                new MetricSummary("chat", "ttft_ms", "ms", 120.0, 10.0, 3),
                new MetricSummary("chat", "prefill_tok_s", "tok/s", 900.0, 50.0, 3),
                new MetricSummary("chat", "decode_tok_s", "tok/s", 40.0, 2.0, 3)),
                new PhaseEnergy("decode", "none", "device", 3, 9, 100L, null, null, null, "no power meter")));
        write(root, "run-b", summary("run-b", "djl", "f32", List.of(
                new MetricSummary("pp", "ttft_ms", "ms", 300.0, null, 1),
                new MetricSummary("pp", "prefill_tok_s", "tok/s", 1700.0, null, 1),
                new MetricSummary("tg", "decode_tok_s", "tok/s", 25.0, null, 1)),
                new PhaseEnergy("decode", "rapl", "package", 4, 1, 200L, 50.0, 12.5, 0.25, null)));
        Files.createDirectories(root.resolve("eval-run"));
        Files.writeString(root.resolve("eval-run/manifest.json"), "{\"run_id\":\"eval-run\"}");

        List<BenchRow> rows = BenchRows.of(RunRows.all(root));
        assertEquals(2, rows.size(), "the eval run is not a bench run");
        Table t = BenchTable.of(rows);
        String md = TableFormat.MD.render(t);
        assertTrue(md.contains("| m | f32 | djl | synthetic | 300.0 | 1700.0 | 25.0 | 1.00 GiB |"), md);
        assertTrue(md.contains("0.2500"), md);
        assertTrue(md.contains("| m | q4 | jlama | chat | 120.0 ± 10.0 | 900.0 ± 50.0 | 40.0 ± 2.0 | 1.00 GiB | unavailable | 1.00% | run-a |"), md);
        assertTrue(TableFormat.TEX.render(t).contains("$\\pm$"));
        assertTrue(TableFormat.CSV.render(t).startsWith("model,quant,runtime,mode,TTFT ms"));
        assertTrue(TableFormat.JSON.render(t).contains("\"name\" : \"bench\""));
    }

    private static BenchSummary summary(String id, String runtime, String quant, List<MetricSummary> metrics, PhaseEnergy decode) {
        BenchMode mode = metrics.getFirst().kind().equals("chat") ? BenchMode.CHAT : BenchMode.SYNTHETIC;
        return new BenchSummary(id, mode, "x/m", "m", runtime, quant, quant, 1000, 3, 1, metrics, List.of(), List.of(decode), 1L << 30,
                null, null, null, null, null, Overhead.of(100, 99, 0, 0), null, List.of());
    }

    private static void write(Path root, String id, BenchSummary s) throws Exception {
        RunStore store = RunStore.createNamed(root, id);
        Files.writeString(store.dir().resolve("manifest.json"), "{\"run_id\":\"" + id + "\"}");
        BenchFiles.writeConfig(store.dir(), new BenchConfig(s.mode(), "melt", 1, 3, 1, 8, 0, 0, null, null, null, List.of("none"), null,
                100, 0, null, "plain"));
        BenchFiles.writeSummary(store.dir(), s);
    }
}
