package org.meltharness.results;

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

    /** The CSV header, in the order of {@link #values()}. */
    public static final String[] HEADER = {
        "task", "metric", "value", "stderr", "n", "total_s", "ms_per_item", "tokens_per_s", "prefill_tokens_per_s"
    };

    public Object[] values() {
        return new Object[] {task, metric, value, Double.isNaN(stderr) ? "" : stderr, n, totalSeconds, msPerItem,
            tokensPerSecond, prefillTokensPerSecond};
    }
}
