package org.meltharness.cli;

import org.meltharness.command.CommonOptions;
import static org.meltharness.table.Column.left;
import static org.meltharness.table.Column.right;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.meltharness.HarnessException;
import org.meltharness.eval.RunDiff;
import org.meltharness.io.Json;
import org.meltharness.results.RunStore;
import org.meltharness.table.Column;
import org.meltharness.table.Table;
import org.meltharness.table.TableFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code harness diff RUN_A RUN_B}: where two runs disagree; exit 1 beyond the tolerance, like diff(1). */
@Command(name = "diff", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Compare two runs document by document: log-likelihood differences per choice and flipped "
                + "predictions.", "Exit status: 0 when they agree within the tolerance, 1 when they do not, 2 on bad usage, 3 on bad or missing run files."})
final class DiffCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN_A", description = "A run id (under --output) or a run folder.")
    String runA;

    @Parameters(index = "1", paramLabel = "RUN_B", description = "The run to compare it with.")
    String runB;

    @Option(names = "--tolerance", paramLabel = "NATS", defaultValue = "1e-3",
            description = "Largest allowed |log-likelihood difference| per choice (default: ${DEFAULT-VALUE}).")
    double tolerance;

    @Option(names = "--show", paramLabel = "N", defaultValue = "5", description = "Documents shown per task (default: ${DEFAULT-VALUE}).")
    int show;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", defaultValue = "results", description = "Where run ids are looked up.")
    Path output;

    @Option(names = "--json", description = "Print the comparison as JSON.")
    boolean json;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (show < 0) throw HarnessException.usage("--show must not be negative");
        if (!(tolerance >= 0)) throw HarnessException.usage("--tolerance must be a number of at least 0");
        List<RunDiff.TaskDiff> diffs = RunDiff.compare(RunStore.locate(output, runA), RunStore.locate(output, runB), show);
        boolean agree = diffs.stream().allMatch(d -> d.agrees(tolerance));
        if (json) {
            out.print(Json.pretty(java.util.Map.of("tolerance", tolerance, "agree", agree, "tasks", diffs)));
            return agree ? 0 : 1;
        }
        List<Column<RunDiff.TaskDiff>> columns = List.of(left("task", RunDiff.TaskDiff::task), right("docs", RunDiff.TaskDiff::compared),
                right("max abs Δll", d -> String.format(Locale.ROOT, "%.3g", d.maxAbsDelta())),
                right("mean abs Δll", d -> String.format(Locale.ROOT, "%.3g", d.meanAbsDelta())),
                right("flipped pred", RunDiff.TaskDiff::flippedPred), right("flipped pred_norm", RunDiff.TaskDiff::flippedPredNorm),
                right("token counts differ", RunDiff.TaskDiff::tokenCountsDiffer), right("only in A", RunDiff.TaskDiff::onlyInA),
                right("only in B", RunDiff.TaskDiff::onlyInB), left("agree", d -> d.agrees(tolerance) ? "yes" : "NO"));
        out.print(TableFormat.MD.render(Table.of("diff", null, columns, diffs, List.of())));
        for (RunDiff.TaskDiff d : diffs) {
            if (d.worst().isEmpty() || d.agrees(tolerance)) continue;
            out.println();
            out.println(d.task() + ": largest differences");
            for (RunDiff.DocDelta x : d.worst()) {
                if (x.delta() <= tolerance && !x.predFlipped()) continue;
                out.printf(Locale.ROOT, "  doc %d choice %d: %.6f vs %.6f (Δ %.3g)%s%n", x.docId(), x.choice(), x.llA(), x.llB(),
                        x.delta(), x.predFlipped() ? ", prediction flipped" : "");
            }
        }
        out.println(agree ? "runs agree within " + tolerance : "runs differ beyond " + tolerance);
        return agree ? 0 : 1;
    }
}
