package org.meltharness.report;

import static org.meltharness.table.Column.left;

import java.util.List;
import java.util.Locale;
import org.meltharness.table.Column;

/**
 * One (run, task, metric) of stored runs: the flat row every report format and plot is drawn from.
 *
 * @param melt the model's name in MELT's tables, when its alias has one
 * @param fileBytes bytes of the model's weight files on disk
 * @param memoryBytes bytes of weights the runtime held in memory
 * @param complete whether every document of the task was scored
 */
public record RunRow(
        String runId,
        String model,
        String melt,
        String runtime,
        String quant,
        String task,
        String metric,
        double value,
        double stderr,
        int n,
        long fileBytes,
        long memoryBytes,
        long parameters,
        long peakRssBytes,
        double msPerDoc,
        double tokensPerSecond,
        boolean complete,
        String createdAt) {

    /** Which of two runs of a cell is the newer: by the time the run started (ids of named suite cells carry none). */
    public static final java.util.Comparator<RunRow> NEWEST_LAST = java.util.Comparator
            .comparing(RunRow::createdAt, java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder()))
            .thenComparing(RunRow::runId);

    /** The columns of the report's table of runs. */
    public static final List<Column<RunRow>> DISPLAY = List.of(left("model", RunRow::modelLabel), left("runtime", RunRow::runtime),
            left("quant", RunRow::quant), left("task", RunRow::task), left("metric", RunRow::metric),
            left("value ± stderr", r -> String.format(Locale.ROOT, "%.4f ± %s", r.value(),
                    Double.isNaN(r.stderr()) ? "N/A" : String.format(Locale.ROOT, "%.4f", r.stderr()))),
            left("n", RunRow::n), left("model bytes", r -> Bytes.human(r.memoryBytes())), left("peak RSS", r -> Bytes.human(r.peakRssBytes())),
            left("ms/doc", r -> String.format(Locale.ROOT, "%.1f", r.msPerDoc())),
            left("tokens/s", r -> String.format(Locale.ROOT, "%.0f", r.tokensPerSecond())),
            left("run", r -> r.runId() + (r.complete() ? "" : " (partial)")));

    /** The label of a model in tables and plots: MELT's name when known, else what was asked for. */
    public String modelLabel() {
        return melt != null ? melt : org.meltharness.model.ModelLabel.of(model, null, false).name();
    }
}
