package org.meltharness.cli;

import java.io.PrintWriter;
import java.util.Locale;
import org.meltharness.results.Summary;
import org.meltharness.results.SummaryRow;

/** Prints a run's summary as a Markdown table, the way lm-eval prints its results. */
final class ResultTable {
    private ResultTable() {}

    static void print(PrintWriter out, Summary summary) {
        out.println("| task | metric | value | stderr | n | ms/doc | tokens/s |");
        out.println("|------|--------|------:|-------:|--:|-------:|---------:|");
        for (SummaryRow r : summary.rows()) {
            out.printf(Locale.ROOT, "| %s | %s | %.4f | %s | %d | %.1f | %.0f |%n", r.task(), r.metric(), r.value(),
                    Double.isNaN(r.stderr()) ? "N/A" : String.format(Locale.ROOT, "%.4f", r.stderr()), r.n(),
                    r.msPerItem(), r.tokensPerSecond());
        }
        if (!summary.complete()) out.println("(incomplete: some documents are not scored yet; --resume " + summary.runId() + ")");
    }
}
