package org.meltharness.eval;

/**
 * One (run, task, metric) of a comparison: the score, its difference from the reference with a
 * paired interval and test, what the run cost, and how closely it followed the reference's
 * distributions. Reference rows leave the difference and fidelity columns empty (null).
 *
 * @param deltaLow the paired bootstrap interval of {@code delta} (95% unless stated)
 * @param mcnemarP McNemar's exact p on per-document correctness (0/1 metrics only)
 * @param energyPerDocJoules joules per document, null while no power meter measured the run
 * @param goldProbDelta mean over documents of the change in the gold choice's probability among
 *     the choices (softmax of their log-likelihoods)
 */
public record CompareRow(
        String runId,
        String model,
        String runtime,
        String quant,
        String task,
        String metric,
        double value,
        double stderr,
        int n,
        Double delta,
        Double deltaLow,
        Double deltaHigh,
        Double mcnemarP,
        long modelBytes,
        long peakRssBytes,
        double msPerDoc,
        double prefillTokensPerSecond,
        Double energyPerDocJoules,
        Double klMean,
        Double klP99,
        Double klMax,
        Double top1Agreement,
        Double goldProbDelta) {

    public static final String[] HEADER = {
        "run_id", "model", "runtime", "quant", "task", "metric", "value", "stderr", "n", "delta", "delta_low",
        "delta_high", "mcnemar_p", "model_bytes", "peak_rss_bytes", "ms_per_doc", "prefill_tokens_per_s",
        "energy_per_doc_j", "kl_mean", "kl_p99", "kl_max", "top1_agreement", "gold_prob_delta"
    };

    public Object[] values() {
        return new Object[] {runId, model, runtime, quant, task, metric, value, Double.isNaN(stderr) ? null : stderr, n, delta,
            deltaLow, deltaHigh, mcnemarP, modelBytes, peakRssBytes, msPerDoc, prefillTokensPerSecond, energyPerDocJoules,
            klMean, klP99, klMax, top1Agreement, goldProbDelta};
    }
}
