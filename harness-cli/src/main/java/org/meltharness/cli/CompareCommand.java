package org.meltharness.cli;

import org.meltharness.command.CommonOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.meltharness.run.compare.CompareRequest;
import org.meltharness.run.compare.CompareResult;
import org.meltharness.run.compare.CompareService;
import org.meltharness.table.TableFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;


/**
 * {@code harness compare}: quantisation levels (or any runs) beside a full-precision reference:
 * accuracy deltas with paired intervals and tests, cost, and distribution fidelity.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Compare runs with a reference, over the same documents.",
            "  harness compare --task arc_easy,hellaswag --model MODEL --quant f32,q4 [--reference djl:f32]",
            "  harness compare --task arc_easy --model HF_FOLDER --runtime llamacpp --quant f32,q8_0,q4_0",
            "  harness compare RUN_ID RUN_ID ...   (the first is the reference)",
            "Missing runs are made (the reference with --store-topk); finished runs with the same options are reused."})
final class CompareCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "RUN", arity = "0..*", description = "Stored runs to compare (ids or folders); the first is the reference.")
    List<String> runs = new ArrayList<>();

    @Option(names = {"-t", "--task"}, split = ",", paramLabel = "TASK", description = "Tasks to run and compare.")
    List<String> tasks;

    @Option(names = {"-m", "--model"}, paramLabel = "MODEL", description = "The model, as for eval.")
    String model;

    @Option(names = {"-q", "--quant"}, split = ",", paramLabel = "QUANT", description = "Quantisations to compare, e.g. f32,q8,q4.")
    List<String> quants;

    @Option(names = "--runtime", paramLabel = "NAME", description = "Runtime of the compared runs (default: as eval picks).")
    String runtime;

    @Option(names = "--reference", paramLabel = "RUNTIME:QUANT",
            description = "The reference (default: the first --quant on the same runtime), e.g. djl:f32.")
    String reference;

    @Option(names = "--limit", paramLabel = "N", description = "Documents per task.")
    Integer limit;

    @Option(names = "--num-fewshot", paramLabel = "K", description = "Few-shot examples, as for eval.")
    Integer numFewshot;

    @Option(names = "--top-k", paramLabel = "K",
            description = "Log-probs the reference keeps per scored token for KL and top-1 (default: " + CompareRequest.DEFAULT_TOP_K + ").")
    Integer topK;

    @Mixin
    DataLocationOptions data;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", defaultValue = "results", description = "Where runs are found and made.")
    Path output;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        CompareRequest request = new CompareRequest(runs, tasks, model, quants, runtime, reference, limit, numFewshot, topK, data.location(),
                output);
        CompareResult result = new CompareService(spec.commandLine().getErr()).run(request);
        out.print(TableFormat.MD.render(CompareService.table(result.rows())));
        out.println("comparison: " + result.dir());
        return 0;
    }
}
