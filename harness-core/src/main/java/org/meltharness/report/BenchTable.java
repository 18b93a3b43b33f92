package org.meltharness.report;

import static org.meltharness.table.Column.left;

import org.meltharness.table.Column;
import org.meltharness.table.Table;
import java.util.List;
import java.util.Locale;
import org.meltharness.bench.MeanSd;

/** The report's bench table: one row per bench run, grouped by model × quant × runtime. */
public final class BenchTable {
    private BenchTable() {}

    /** The bench table's columns: one row per run. */
    static final List<Column<BenchRow>> COLUMNS = List.of(left("model", BenchRow::model), left("quant", BenchRow::quant),
            left("runtime", BenchRow::runtime), left("mode", r -> r.mode().word()), left("TTFT ms", r -> cell(r.ttftMs(), "%.1f")),
            left("prefill tok/s", r -> cell(r.prefillTokensPerSecond(), "%.1f")),
            left("decode tok/s", r -> cell(r.decodeTokensPerSecond(), "%.1f")), left("peak RSS", r -> bytes(r.peakRssBytes())),
            left("J/token (decode)", r -> r.joulesPerToken() == null ? "unavailable" : String.format(Locale.ROOT, "%.4f", r.joulesPerToken())),
            left("harness overhead", r -> r.overheadFraction() == null ? "—" : String.format(Locale.ROOT, "%.2f%%", 100 * r.overheadFraction())),
            left("run", BenchRow::runId));

    public static Table of(List<BenchRow> rows) {
        return Table.of("bench", "Generation benchmarks (model × quant × runtime)", COLUMNS, rows,
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
