package org.meltharness.bench;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.meltharness.bench.BenchStatistics.MetricSummary;
import org.meltharness.io.AtomicFiles;
import org.meltharness.io.Json;

/** The files of a bench run beside its manifest and samples, each written atomically. */
public final class BenchFiles {
    public static final String SAMPLES = "bench";
    static final List<String> TURN_HEADER = List.of("kind", "conversation", "turn", "repetition", "warmup", "start_s", "input_tokens",
            "output_tokens", "ttft_ms", "prefill_tok_s", "decode_tok_s", "latency_p50_ms", "latency_p90_ms", "latency_p99_ms", "e2e_ms",
            "finish_reason", "start_c", "end_c", "changed");
    static final List<String> SUMMARY_HEADER = List.of("kind", "metric", "unit", "mean", "sd", "n", "note");

    private BenchFiles() {}

    public static void writeConfig(Path runDir, BenchConfig config) {
        AtomicFiles.write(runDir.resolve(BenchConfig.FILE), Json.pretty(config));
    }

    /** {@code summary.json}, and {@code summary.csv} with one row per metric and per meter and phase. */
    public static void writeSummary(Path runDir, BenchSummary summary) {
        AtomicFiles.write(runDir.resolve("summary.json"), Json.pretty(summary));
        List<List<Object>> rows = new ArrayList<>();
        for (MetricSummary m : summary.metrics()) rows.add(List.of(m.kind(), m.metric(), m.unit(), m.mean(), blank(m.sd()), m.n(), ""));
        for (PhaseEnergy e : summary.energy()) {
            String kind = "energy:" + e.meter();
            String note = e.available() ? "" : e.unavailable();
            rows.add(List.of(kind, e.phase() + "_joules", "J", blank(e.joules()), "", e.windows(), note));
            if (e.tokens() != null) rows.add(List.of(kind, e.phase() + "_joules_per_token", "J/token", blank(e.joulesPerToken()), "", e.windows(), note));
        }
        if (summary.overhead() != null && summary.overhead().fraction() != null) {
            rows.add(List.of("harness", "overhead_fraction", "fraction", summary.overhead().fraction(), "", 1, ""));
        }
        if (summary.peakRssBytes() != null) rows.add(List.of("memory", "peak_rss", "B", summary.peakRssBytes(), "", 1, ""));
        AtomicFiles.write(runDir.resolve("summary.csv"), csv(SUMMARY_HEADER, rows));
    }

    /** {@code turns.csv}: every turn's timings flat, for spreadsheets and plots. */
    public static void writeTurns(Path runDir, List<TurnRecord> turns) {
        List<List<Object>> rows = new ArrayList<>();
        for (TurnRecord t : turns) {
            TurnMetrics m = t.metrics();
            rows.add(java.util.Arrays.asList(t.kind(), t.conversation(), t.turn(), t.repetition(), t.warmup(), t.startSeconds(), m.inputTokens(),
                    m.outputTokens(), blank(m.ttftMs()), blank(m.prefillTokensPerSecond()), blank(m.decodeTokensPerSecond()),
                    blank(m.latencyP50Ms()), blank(m.latencyP90Ms()), blank(m.latencyP99Ms()), m.e2eMs(), t.finishReason(),
                    blank(t.startCelsius()), blank(t.endCelsius()), blank(t.changed())));
        }
        AtomicFiles.write(runDir.resolve("turns.csv"), csv(TURN_HEADER, rows));
    }

    private static Object blank(Object v) {
        return v == null ? "" : v;
    }

    private static String csv(List<String> header, List<List<Object>> rows) {
        StringWriter out = new StringWriter();
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader(header.toArray(String[]::new)).setRecordSeparator('\n').get();
        try (CSVPrinter p = new CSVPrinter(out, format)) {
            for (List<Object> r : rows) p.printRecord(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
