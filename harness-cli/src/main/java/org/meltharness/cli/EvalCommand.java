package org.meltharness.cli;

import org.meltharness.command.CommonOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.meltharness.results.Summary;
import org.meltharness.results.SummaryRow;
import org.meltharness.run.eval.EvalRequest;
import org.meltharness.run.eval.EvalResult;
import org.meltharness.run.eval.EvalService;
import org.meltharness.table.Table;
import org.meltharness.table.TableFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;


/** {@code harness eval}: score tasks on a model, timing every request, into a run folder. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Evaluate a model on tasks; writes results/<run-id>/ (manifest, samples, summary).")
final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-t", "--task"}, split = ",", paramLabel = "TASK",
            description = "Tasks or groups, comma-separated (./harness tasks lists them).")
    List<String> tasks;

    @Mixin
    ModelOptions model;

    @Option(names = "--limit", paramLabel = "N", description = "Evaluate only the first N documents of each task.")
    Integer limit;

    @Option(names = "--num-fewshot", paramLabel = "K",
            description = "Few-shot examples per prompt (default: the task's own, usually 0).")
    Integer numFewshot;

    @Option(names = "--seed", paramLabel = "SEED",
            description = "Seed of the few-shot draw and of --weights random (default: " + EvalRequest.DEFAULT_SEED + ", lm-eval's).")
    Long seed;

    @Option(names = "--batch-docs", paramLabel = "N",
            description = "Documents handed to the runtime at once (default: " + EvalRequest.DEFAULT_BATCH_DOCS + ").")
    Integer batchDocs;

    @Mixin
    DataLocationOptions data;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", defaultValue = "results",
            description = "Where run folders are created (default: ${DEFAULT-VALUE}).")
    Path output;

    @Option(names = "--run-id", paramLabel = "ID",
            description = "Name the run folder (suites do); an existing run of that name is resumed.")
    String runId;

    @Option(names = "--doc-shard", paramLabel = "I/N",
            description = "Score only documents k with k mod N = I - 1 (suite shards); few-shot draws stay those of the whole run.")
    String docShard;

    @Option(names = "--resume", paramLabel = "RUN_ID",
            description = "Continue an interrupted run, skipping finished documents; its options are reused.")
    String resume;

    @Option(names = "--log-prompts", description = "Write the full prompt texts into the samples.")
    Boolean logPrompts;

    @Option(names = "--store-topk", paramLabel = "K",
            description = "Keep the K most likely tokens' log-probs at every scored token (topk-<task>.jsonl), so the "
                    + "run can serve as a fidelity reference (compare uses 64).")
    Integer storeTopk;

    @Option(names = "--fidelity-against", paramLabel = "RUN",
            description = "A reference run made with --store-topk: measure KL divergence and top-1 agreement against it.")
    String fidelityAgainst;

    @Mixin
    TaskSourceOptions taskSource;

    @Mixin
    CommonOptions common;

    @Mixin
    DeviceOptions device;

    @Override
    public Integer call() {
        if (device.remote()) return device.dispatch("eval", spec);
        PrintWriter out = spec.commandLine().getOut();
        EvalRequest request = new EvalRequest(tasks, model.request(), limit, numFewshot, seed, batchDocs, data.location(), output, runId,
                docShard, resume, logPrompts, storeTopk, fidelityAgainst, taskSource.tasksDirs);
        EvalResult result = new EvalService(spec.commandLine().getErr()).run(request);
        out.print(TableFormat.MD.render(table(result.summary())));
        out.println("results: " + result.dir());
        return 0;
    }

    /** A run's summary as lm-eval prints its results, saying when documents are still to be scored. */
    static Table table(Summary summary) {
        List<String> notes = new ArrayList<>();
        if (!summary.complete()) notes.add("(incomplete: some documents are not scored yet; --resume " + summary.runId() + ")");
        return Table.of("summary", null, SummaryRow.DISPLAY, summary.rows(), notes);
    }
}
