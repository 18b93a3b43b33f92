package org.meltharness.cli;

import org.meltharness.command.CommonOptions;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.meltharness.HarnessException;
import org.meltharness.eval.Summaries;
import org.meltharness.report.BenchRow;
import org.meltharness.report.BenchRows;
import org.meltharness.report.BenchTable;
import org.meltharness.report.LmEvalResults;
import org.meltharness.report.MeltPaper;
import org.meltharness.report.Plots;
import org.meltharness.report.RunRow;
import org.meltharness.report.RunRows;
import org.meltharness.table.Table;
import org.meltharness.table.TableFormat;
import org.meltharness.io.AtomicFiles;
import org.meltharness.io.Json;
import org.meltharness.results.RunStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code harness report}: tables and plots of stored runs, and MELT's paper tables beside ours. */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Tables (md, csv, tex, json) and plots (PNG, SVG) of stored runs.",
            "  harness report [RUN ... | --all] --format md,csv,tex,json --plot",
            "  harness report --paper melt"})
final class ReportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "RUN", arity = "0..*", description = "Run ids or folders (default: every run under --output).")
    List<String> runs = new ArrayList<>();

    @Option(names = "--all", description = "Every run under --output (the default when no run is named).")
    boolean all;

    @Option(names = "--format", split = ",", paramLabel = "FORMAT", defaultValue = "md,csv,tex,json",
            description = "Table formats: md, csv, tex, json (default: ${DEFAULT-VALUE}).")
    List<String> formats;

    @Option(names = "--plot", description = "Accuracy against model bytes and against ms/document, with the Pareto front.")
    boolean plot;

    @Option(names = "--paper", paramLabel = "NAME", description = "Regenerate a paper's tables beside its figures: melt.")
    String paper;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", defaultValue = "results", description = "Where runs are found.")
    Path output;

    @Option(names = "--report-dir", paramLabel = "DIR", description = "Where the report goes (default: <output>/reports/<time>).")
    Path reportDir;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (paper != null && !paper.equals("melt")) throw HarnessException.usage("--paper knows melt, not " + paper);
        List<RunStore> stores = runs.isEmpty() || all ? RunRows.all(output) : runs.stream().map(r -> RunStore.locate(output, r)).toList();
        if (stores.isEmpty() && paper == null) throw HarnessException.usage("no runs under " + output + " (run ./harness eval or ./harness bench first)");
        List<TableFormat> fmts = formats.stream().map(TableFormat::parse).toList();
        Path dir = reportDir != null ? reportDir : RunStore.createTimestampedFolder(output.resolve("reports"));
        List<RunRow> rows = RunRows.of(stores);
        List<BenchRow> benchRows = BenchRows.of(stores);
        List<Table> tables = new ArrayList<>();
        // A folder of bench runs only has no accuracy rows: its table is the bench table alone.
        if (!rows.isEmpty() || benchRows.isEmpty()) tables.add(runsTable(rows));
        if (!benchRows.isEmpty()) tables.add(BenchTable.of(benchRows));
        if (paper != null) tables.addAll(MeltPaper.tables(rows));
        for (Table t : tables) {
            for (TableFormat f : fmts) {
                AtomicFiles.write(dir.resolve(t.name() + "." + f.extension()), f.render(t));
            }
        }
        if (fmts.contains(TableFormat.JSON)) AtomicFiles.write(dir.resolve("rows.json"), Json.pretty(rows));
        if (fmts.contains(TableFormat.JSON) && !benchRows.isEmpty()) AtomicFiles.write(dir.resolve("bench-rows.json"), Json.pretty(benchRows));
        for (RunStore s : stores) writeLmEvalResults(s);
        List<Path> plots = plot || paper != null ? Plots.write(rows, dir) : List.of();
        for (Table t : tables) out.print(TableFormat.MD.render(t) + "\n");
        out.println("report: " + dir + " (" + tables.size() + " tables, " + plots.size() + " plot files)");
        return 0;
    }

    /** One row per run, task and metric. */
    static Table runsTable(List<RunRow> rows) {
        return Table.of("runs", "Stored runs", RunRow.DISPLAY, rows,
                List.of("value: mean over the documents scored; stderr: sample stddev / sqrt(n), as lm-evaluation-harness; "
                        + "(partial): the run has not scored all its documents yet."));
    }

    /** lm-eval's results.json beside each run's own files, so its tools read our runs. */
    private static void writeLmEvalResults(RunStore s) {
        var m = s.readManifest();
        if (m.model() == null || BenchRows.isBench(s)) return; // lm-eval's format has no place for generation timings
        Path f = s.dir().resolve("results.json");
        if (Files.isRegularFile(f)) return;
        AtomicFiles.write(f, Json.pretty(LmEvalResults.of(m, Summaries.build(s, m, Map.of()))));
    }
}
