package org.meltharness.run.compare;

import static org.meltharness.table.Column.left;
import static org.meltharness.table.Column.right;

import java.util.List;
import java.util.Locale;
import org.meltharness.report.Bytes;
import org.meltharness.table.Column;

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

    /** The columns of {@code compare.csv}: raw values, empty where a figure does not apply. */
    public static final List<Column<CompareRow>> DATA = List.of(left("run_id", CompareRow::runId), left("model", CompareRow::model),
            left("runtime", CompareRow::runtime), left("quant", CompareRow::quant), left("task", CompareRow::task),
            left("metric", CompareRow::metric), right("value", CompareRow::value),
            right("stderr", r -> Double.isNaN(r.stderr()) ? null : r.stderr()), right("n", CompareRow::n), right("delta", CompareRow::delta),
            right("delta_low", CompareRow::deltaLow), right("delta_high", CompareRow::deltaHigh), right("mcnemar_p", CompareRow::mcnemarP),
            right("model_bytes", CompareRow::modelBytes), right("peak_rss_bytes", CompareRow::peakRssBytes),
            right("ms_per_doc", CompareRow::msPerDoc), right("prefill_tokens_per_s", CompareRow::prefillTokensPerSecond),
            right("energy_per_doc_j", CompareRow::energyPerDocJoules), right("kl_mean", CompareRow::klMean),
            right("kl_p99", CompareRow::klP99), right("kl_max", CompareRow::klMax), right("top1_agreement", CompareRow::top1Agreement),
            right("gold_prob_delta", CompareRow::goldProbDelta));

    /** The columns of the comparison as people read it ({@code compare.md} and the printed table). */
    public static final List<Column<CompareRow>> DISPLAY = List.of(left("model", CompareRow::model), left("runtime", CompareRow::runtime),
            left("quant", CompareRow::quant), left("task", CompareRow::task), left("metric", CompareRow::metric),
            right("value ± stderr", r -> String.format(Locale.ROOT, "%.4f ± %s", r.value(),
                    Double.isNaN(r.stderr()) ? "N/A" : String.format(Locale.ROOT, "%.4f", r.stderr()))),
            right("Δ vs ref [95% CI]", r -> r.delta() == null ? "(reference)"
                    : String.format(Locale.ROOT, "%+.4f [%+.4f, %+.4f]", r.delta(), r.deltaLow(), r.deltaHigh())),
            right("McNemar p", r -> r.mcnemarP() == null ? "-" : String.format(Locale.ROOT, "%.3g", r.mcnemarP())),
            right("model bytes", r -> Bytes.human(r.modelBytes())), right("peak RSS", r -> Bytes.human(r.peakRssBytes())),
            right("ms/doc", r -> String.format(Locale.ROOT, "%.1f", r.msPerDoc())),
            right("prefill tok/s", r -> String.format(Locale.ROOT, "%.0f", r.prefillTokensPerSecond())),
            right("J/doc", r -> r.energyPerDocJoules() == null ? "n/a" : String.format(Locale.ROOT, "%.3f", r.energyPerDocJoules())),
            right("KL mean / p99 / max", r -> r.klMean() == null ? "-"
                    : String.format(Locale.ROOT, "%.4f / %.4f / %.4f", r.klMean(), r.klP99(), r.klMax())),
            right("top-1", r -> r.top1Agreement() == null ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * r.top1Agreement())),
            right("Δp(gold)", r -> r.goldProbDelta() == null ? "-" : String.format(Locale.ROOT, "%+.4f", r.goldProbDelta())));
}
