package org.meltharness.report;

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

    /** The label of a model in tables and plots: MELT's name when known, else what was asked for. */
    public String modelLabel() {
        return melt != null ? melt : org.meltharness.model.ModelLabel.of(model, null, false).name();
    }
}
