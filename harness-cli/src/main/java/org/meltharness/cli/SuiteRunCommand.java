package org.meltharness.cli;

import org.meltharness.command.CommonOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.meltharness.run.suite.SuitePlan;
import org.meltharness.run.suite.SuiteRequest;
import org.meltharness.run.suite.SuiteService;
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
        SuiteService service = new SuiteService(spec.commandLine().getErr());
        SuiteRequest request = new SuiteRequest(file, shard, shards, splitDocuments, data.location(), output, System.getenv());
        SuitePlan plan = service.plan(request);
        String name = plan.suite().name();
        out.println("suite " + name + ": shard " + plan.shard() + ", " + plan.cells().size() + " of " + plan.suite().cells().size() + " cells"
                + (splitDocuments ? " (documents split " + plan.shard().count() + " ways)" : "") + " -> " + plan.dir());
        int done = 0;
        if (dryRun) {
            for (SuitePlan.Cell c : plan.cells()) out.println("  " + c.id());
        } else {
            out.flush();
            done = service.run(plan, request);
        }
        out.println("suite " + name + ": " + done + " cells run in this process; outputs in " + plan.dir());
        return 0;
    }
}
