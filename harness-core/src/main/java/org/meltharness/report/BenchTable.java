package org.meltharness.report;

import org.meltharness.table.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.meltharness.bench.MeanSd;

/** The report's bench table: one row per bench run, grouped by model × quant × runtime. */
public final class BenchTable {
    private BenchTable() {}

    public static Table of(List<BenchRow> rows) {
        List<List<String>> body = new ArrayList<>();
        for (BenchRow r : rows) {
            body.add(List.of(r.model(), r.quant(), r.runtime(), r.mode().word(), cell(r.ttftMs(), "%.1f"), cell(r.prefillTokensPerSecond(), "%.1f"),
                    cell(r.decodeTokensPerSecond(), "%.1f"), bytes(r.peakRssBytes()),
                    r.joulesPerToken() == null ? "unavailable" : String.format(Locale.ROOT, "%.4f", r.joulesPerToken()),
                    r.overheadFraction() == null ? "—" : String.format(Locale.ROOT, "%.2f%%", 100 * r.overheadFraction()), r.runId()));
        }
        return new Table("bench", "Generation benchmarks (model × quant × runtime)",
                List.of("model", "quant", "runtime", "mode", "TTFT ms", "prefill tok/s", "decode tok/s", "peak RSS", "J/token (decode)",
                        "harness overhead", "run"),
                body,
                List.of("mean ± sd over repetitions (each the mean of its turns); decode tok/s is MLPerf Client's (n-1)/(t_last - t_first); "
                        + "synthetic runs show pp for TTFT and prefill, tg for decode.",
                        "J/token: decode-phase energy over output tokens; unavailable when no power meter was present (never 0)."));
    }

    private static String cell(MeanSd v, String pattern) {
        return v == null ? "—" : v.format(pattern);
    }

    static String bytes(Long b) {
        if (b == null || b < 0) return "—";
        if (b < 1L << 30) return String.format(Locale.ROOT, "%.1f MiB", b / (1024.0 * 1024));
        return String.format(Locale.ROOT, "%.2f GiB", b / (1024.0 * 1024 * 1024));
    }
}
