package org.meltharness.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.meltharness.HarnessException;
import org.meltharness.eval.Shard;
import org.meltharness.results.RunStore;
import org.meltharness.suite.ShardMerge;
import org.meltharness.suite.SuiteSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code harness suite run FILE}: every cell of the suite (or this shard's), skipping finished
 * cells and resuming partial ones, into {@code <output>/suites/<name>/}.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a suite's cells: finished cells are skipped, partial ones resumed.",
            "Split across machines with --shard I/N (or SLURM_ARRAY_TASK_ID / JOB_COMPLETION_INDEX with --shards N),",
            "then join the outputs with 'harness suite merge'."})
final class SuiteRunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SUITE", description = "A suite file (suites/melt-paper.yaml).")
    Path file;

    @Option(names = "--shard", paramLabel = "I/N", description = "Run only shard I of N (1-based).")
    String shard;

    @Option(names = "--shards", paramLabel = "N", defaultValue = "0",
            description = "Number of shards when the index comes from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX.")
    int shards;

    @Option(names = "--split-documents",
            description = "Split every cell's documents across the shards instead of giving each shard whole cells.")
    boolean splitDocuments;

    @Option(names = "--dry-run", description = "List this shard's cells and stop.")
    boolean dryRun;

    @Mixin
    DataLocationOptions data;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", defaultValue = "results", description = "Where suites are kept.")
    Path output;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SuiteSpec suite = SuiteSpec.read(file);
        Shard s = shard != null ? Shard.parse(shard) : Shard.fromEnvironment(System.getenv(), shards);
        Path dir = output.resolve("suites").resolve(suite.name());
        List<SuiteSpec.Cell> cells = splitDocuments ? suite.cells() : s.of(suite.cells());
        out.println("suite " + suite.name() + ": shard " + s + ", " + cells.size() + " of " + suite.cells().size() + " cells"
                + (splitDocuments ? " (documents split " + s.count() + " ways)" : "") + " -> " + dir);
        int done = 0;
        for (SuiteSpec.Cell cell : cells) {
            String id = splitDocuments && s.count() > 1 ? cell.id() + ShardMerge.suffix(s.index(), s.count()) : cell.id();
            if (dryRun) {
                out.println("  " + id);
                continue;
            }
            if (finished(dir, id)) {
                err.println("harness: " + id + " is finished; skipped");
                continue;
            }
            List<String> args = new ArrayList<>(List.of("--task", cell.task(), "--model", cell.model(), "--quant",
                    cell.variant().quant(), "--output", dir.toString(), "--run-id", id));
            if (cell.variant().runtime() != null) args.addAll(List.of("--runtime", cell.variant().runtime()));
            if (suite.limit() != null) args.addAll(List.of("--limit", suite.limit().toString()));
            if (suite.numFewshot() != null) args.addAll(List.of("--num-fewshot", suite.numFewshot().toString()));
            if (splitDocuments && s.count() > 1) args.addAll(List.of("--doc-shard", s.toString()));
            if (data.dataDir != null) args.addAll(List.of("--data-dir", data.dataDir.toString()));
            if (data.cacheDir != null) args.addAll(List.of("--cache-dir", data.cacheDir.toString()));
            if (data.offline) args.add("--offline");
            err.println("harness: running " + id);
            ChildEval.run(args, dir, "cell " + id);
            done++;
        }
        out.println("suite " + suite.name() + ": " + done + " cells run in this process; outputs in " + dir);
        return 0;
    }

    private static boolean finished(Path dir, String id) {
        if (!RunStore.exists(dir, id)) return false;
        try {
            return "complete".equals(RunStore.open(dir, id).readManifest().status());
        } catch (HarnessException e) {
            return false;
        }
    }
}
