package org.meltharness.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.meltharness.HarnessException;
import org.meltharness.bench.BenchConfig;
import org.meltharness.bench.BenchStatistics;
import org.meltharness.bench.BenchStatistics.MetricSummary;
import org.meltharness.bench.BenchSummary;
import org.meltharness.bench.MeanSd;
import org.meltharness.bench.PhaseEnergy;
import org.meltharness.io.Json;
import org.meltharness.results.RunStore;

/** Reads stored bench runs (folders with {@code bench.json}) into rows; eval runs and unfinished bench runs are skipped. */
public final class BenchRows {
    private BenchRows() {}

    public static boolean isBench(RunStore run) {
        return Files.isRegularFile(run.dir().resolve(BenchConfig.FILE));
    }

    /** The finished bench runs among {@code runs}, ordered by model, quant, runtime, mode and run id. */
    public static List<BenchRow> of(List<RunStore> runs) {
        List<BenchRow> out = new ArrayList<>();
        for (RunStore run : runs) {
            Path summary = run.dir().resolve("summary.json");
            if (!isBench(run) || !Files.isRegularFile(summary)) continue;
            out.add(row(read(summary)));
        }
        out.sort(Comparator.comparing(BenchRow::model).thenComparing(BenchRow::quant).thenComparing(BenchRow::runtime)
                .thenComparing(r -> r.mode().word()).thenComparing(BenchRow::runId));
        return out;
    }

    static BenchSummary read(Path file) {
        try {
            return Json.read(Files.readString(file), BenchSummary.class);
        } catch (JsonProcessingException e) {
            throw HarnessException.badData(file + ": not a bench summary: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A row from a summary: chat figures where the run has them, else those of the synthetic tests. */
    public static BenchRow row(BenchSummary s) {
        PhaseEnergy decode = s.energyOf("decode");
        Double jpt = decode == null ? null : decode.joulesPerToken();
        String note = decode == null ? "no energy recorded" : decode.available() ? decode.meter() + " (" + decode.scope() + ")" : decode.unavailable();
        return new BenchRow(s.runId(), s.label(), s.runtime(), s.quant(), s.mode(),
                pick(s.metrics(), "ttft_ms", "chat", "pp"),
                pick(s.metrics(), "prefill_tok_s", "chat", "pp"),
                pick(s.metrics(), "decode_tok_s", "chat", "tg"),
                s.peakRssBytes(), jpt, note, s.overhead() == null ? null : s.overhead().fraction());
    }

    private static MeanSd pick(List<MetricSummary> metrics, String metric, String... kinds) {
        for (String k : kinds) {
            var m = BenchStatistics.find(metrics, k, metric);
            if (m.isPresent()) return new MeanSd(m.get().mean(), m.get().sd(), m.get().n());
        }
        return null;
    }
}
