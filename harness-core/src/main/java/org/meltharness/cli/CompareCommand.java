package org.meltharness.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.meltharness.HarnessException;
import org.meltharness.eval.CompareRow;
import org.meltharness.eval.Comparison;
import org.meltharness.io.AtomicFiles;
import org.meltharness.io.Json;
import org.meltharness.results.RunManifest;
import org.meltharness.results.RunStore;
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
    private static final int TOP_K = 64;

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

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "64",
            description = "Log-probs the reference keeps per scored token for KL and top-1 (default: ${DEFAULT-VALUE}).")
    int topK = TOP_K;

    @Mixin
    DataLocationOptions data;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", defaultValue = "results", description = "Where runs are found and made.")
    Path output;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        RunStore ref;
        List<RunStore> others = new ArrayList<>();
        if (!runs.isEmpty()) {
            if (model != null || quants != null || tasks != null) {
                throw HarnessException.usage("give either stored runs or --task/--model/--quant, not both");
            }
            if (runs.size() < 2) throw HarnessException.usage("compare needs at least two runs");
            ref = RunStore.locate(output, runs.getFirst());
            for (String r : runs.subList(1, runs.size())) others.add(RunStore.locate(output, r));
        } else {
            if (tasks == null || model == null || quants == null) {
                throw HarnessException.usage("compare needs stored runs, or --task, --model and --quant");
            }
            if (runtime == null) {
                // One runtime for every level, chosen now: each child run would otherwise choose for its own level alone.
                var source = org.meltharness.model.ModelResolver.builtin().resolve(model).source();
                var choice = org.meltharness.runtime.Runtimes.choose(null, source, quants);
                runtime = choice.provider().name();
                spec.commandLine().getErr().println("harness: runtime " + choice.reason());
            }
            String[] refSpec = (reference == null ? (runtime == null ? "" : runtime) + ":" + quants.getFirst() : reference).split(":", -1);
            if (refSpec.length != 2) throw HarnessException.usage("--reference is RUNTIME:QUANT, e.g. djl:f32");
            ref = ensureRun(refSpec[0].isEmpty() ? runtime : refSpec[0], refSpec[1], null);
            for (String q : quants) {
                boolean isRef = q.equalsIgnoreCase(refSpec[1]) && (refSpec[0].isEmpty() || refSpec[0].equals(runtime));
                if (!isRef) others.add(ensureRun(runtime, q, ref));
            }
        }
        List<CompareRow> rows = Comparison.rows(ref, others);
        Path dir = write(rows);
        print(out, rows);
        out.println("comparison: " + dir);
        return 0;
    }

    /** A finished run of the model with these settings: a stored one when it matches, else a new one. */
    private RunStore ensureRun(String rt, String quant, RunStore fidelityRef) {
        Optional<RunStore> stored = findStored(rt, quant, fidelityRef);
        if (stored.isPresent()) {
            spec.commandLine().getErr().println("harness: reusing run " + stored.get().runId() + " (" + quant + ")");
            return stored.get();
        }
        List<String> args = new ArrayList<>(List.of("--task", String.join(",", tasks), "--model", model, "--quant", quant,
                "--output", output.toString()));
        if (rt != null) args.addAll(List.of("--runtime", rt));
        if (limit != null) args.addAll(List.of("--limit", limit.toString()));
        if (numFewshot != null) args.addAll(List.of("--num-fewshot", numFewshot.toString()));
        if (data.dataDir != null) args.addAll(List.of("--data-dir", data.dataDir.toString()));
        if (data.cacheDir != null) args.addAll(List.of("--cache-dir", data.cacheDir.toString()));
        if (data.offline) args.add("--offline");
        if (fidelityRef == null) {
            args.addAll(List.of("--store-topk", String.valueOf(topK)));
        } else {
            args.addAll(List.of("--fidelity-against", fidelityRef.dir().toString()));
        }
        return ChildEval.run(args, output, "the " + quant + " run");
    }

    private Optional<RunStore> findStored(String rt, String quant, RunStore fidelityRef) {
        if (!Files.isDirectory(output)) return Optional.empty();
        try (Stream<Path> dirs = Files.list(output)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("manifest.json")))
                    .sorted(Comparator.reverseOrder())
                    .map(d -> RunStore.open(output, d.getFileName().toString()))
                    .filter(s -> matches(s.readManifest(), rt, quant, fidelityRef))
                    .findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean matches(RunManifest m, String rt, String quant, RunStore fidelityRef) {
        var o = m.options();
        if (o == null || m.model() == null || !"complete".equals(m.status())) return false;
        boolean sameModel = model.equals(m.model().requested()) && quant.equalsIgnoreCase(o.quant())
                && (rt == null || rt.equals(o.runtime())) && "stored".equals(o.weights());
        boolean sameDocs = o.tasks().containsAll(tasks) && java.util.Objects.equals(limit == null ? 0 : limit, o.limit())
                && java.util.Objects.equals(numFewshot, o.numFewshot()) && o.seed() == 1234;
        boolean distributions = fidelityRef == null ? o.storeTopk() >= topK
                : fidelityRef.isFolder(o.fidelityReference());
        return sameModel && sameDocs && distributions;
    }

    private Path write(List<CompareRow> rows) {
        Path dir = RunStore.createTimestampedFolder(output.resolve("comparisons"));
        StringWriter csv = new StringWriter();
        try (CSVPrinter p = new CSVPrinter(csv, CSVFormat.DEFAULT.builder().setHeader(CompareRow.HEADER)
                .setRecordSeparator('\n').get())) {
            for (CompareRow r : rows) p.printRecord(r.values());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AtomicFiles.write(dir.resolve("compare.csv"), csv.toString());
        AtomicFiles.write(dir.resolve("compare.json"), Json.pretty(rows));
        StringWriter md = new StringWriter();
        print(new PrintWriter(md), rows);
        AtomicFiles.write(dir.resolve("compare.md"), md.toString());
        return dir;
    }

    static void print(PrintWriter out, List<CompareRow> rows) {
        out.println("| model | runtime | quant | task | metric | value ± stderr | Δ vs ref [95% CI] | McNemar p | model bytes "
                + "| peak RSS | ms/doc | prefill tok/s | J/doc | KL mean / p99 / max | top-1 | Δp(gold) |");
        out.println("|---|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (CompareRow r : rows) {
            out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %.4f ± %s | %s | %s | %s | %s | %.1f | %.0f | %s | %s | %s | %s |%n",
                    r.model(), r.runtime(), r.quant(), r.task(), r.metric(), r.value(),
                    Double.isNaN(r.stderr()) ? "N/A" : String.format(Locale.ROOT, "%.4f", r.stderr()),
                    r.delta() == null ? "(reference)"
                            : String.format(Locale.ROOT, "%+.4f [%+.4f, %+.4f]", r.delta(), r.deltaLow(), r.deltaHigh()),
                    r.mcnemarP() == null ? "-" : String.format(Locale.ROOT, "%.3g", r.mcnemarP()),
                    EvalCommand.human(r.modelBytes()), EvalCommand.human(r.peakRssBytes()), r.msPerDoc(),
                    r.prefillTokensPerSecond(), r.energyPerDocJoules() == null ? "n/a" : String.format(Locale.ROOT, "%.3f", r.energyPerDocJoules()),
                    r.klMean() == null ? "-" : String.format(Locale.ROOT, "%.4f / %.4f / %.4f", r.klMean(), r.klP99(), r.klMax()),
                    r.top1Agreement() == null ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * r.top1Agreement()),
                    r.goldProbDelta() == null ? "-" : String.format(Locale.ROOT, "%+.4f", r.goldProbDelta()));
        }
        out.flush();
    }
}
