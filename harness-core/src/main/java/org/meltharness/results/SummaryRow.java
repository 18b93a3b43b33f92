package org.meltharness.results;

import static org.meltharness.table.Column.left;
import static org.meltharness.table.Column.right;

import java.util.List;
import java.util.Locale;
import org.meltharness.table.Column;

/**
 * One task (or group) and metric of a run: the row users' tools read from {@code summary.csv}.
 *
 * @param stderr closed-form standard error of the mean; NaN when undefined (n &lt; 2)
 * @param totalSeconds model time spent on the task's documents
 * @param msPerItem model time per document
 * @param tokensPerSecond tokens scored (contexts and continuations of every choice) per second of
 *     model time; shared prefixes are counted once per request, as if computed
 * @param prefillTokensPerSecond context tokens actually computed per second of prefill time
 */
public record SummaryRow(
        String task,
        String metric,
        double value,
        double stderr,
        int n,
        double totalSeconds,
        double msPerItem,
        double tokensPerSecond,
        double prefillTokensPerSecond) {

    /** The columns of {@code summary.csv}: raw values, an empty stderr where it is undefined. */
    public static final List<Column<SummaryRow>> DATA = List.of(left("task", SummaryRow::task), left("metric", SummaryRow::metric),
            right("value", SummaryRow::value), right("stderr", r -> Double.isNaN(r.stderr()) ? null : r.stderr()), right("n", SummaryRow::n),
            right("total_s", SummaryRow::totalSeconds), right("ms_per_item", SummaryRow::msPerItem),
            right("tokens_per_s", SummaryRow::tokensPerSecond), right("prefill_tokens_per_s", SummaryRow::prefillTokensPerSecond));

    /** The columns of the table an eval prints at its end, as lm-eval prints its results. */
    public static final List<Column<SummaryRow>> DISPLAY = List.of(left("task", SummaryRow::task), left("metric", SummaryRow::metric),
            right("value", r -> String.format(Locale.ROOT, "%.4f", r.value())),
            right("stderr", r -> Double.isNaN(r.stderr()) ? "N/A" : String.format(Locale.ROOT, "%.4f", r.stderr())),
            right("n", SummaryRow::n), right("ms/doc", r -> String.format(Locale.ROOT, "%.1f", r.msPerItem())),
            right("tokens/s", r -> String.format(Locale.ROOT, "%.0f", r.tokensPerSecond())));
}
