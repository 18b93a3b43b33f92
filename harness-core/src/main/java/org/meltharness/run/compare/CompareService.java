package org.meltharness.run.compare;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.meltharness.HarnessException;
import org.meltharness.io.AtomicFiles;
import org.meltharness.io.Json;
import org.meltharness.model.ModelResolver;
import org.meltharness.results.RunManifest;
import org.meltharness.results.RunStatus;
import org.meltharness.results.RunStore;
import org.meltharness.run.ModelRequest;
import org.meltharness.run.eval.EvalChild;
import org.meltharness.run.eval.EvalRequest;
import org.meltharness.runtime.RuntimeChoice;
import org.meltharness.runtime.Runtimes;
import org.meltharness.table.Table;
import org.meltharness.table.TableFormat;

/**
 * Runs a {@link CompareRequest}: puts runs beside a reference over the same documents, making the
 * missing ones (each in a JVM of its own, so that each has its own peak memory), reusing finished
 * runs with the same options, and writes {@code <output>/comparisons/<time>/compare.{csv,json,md}}.
 */
public final class CompareService {
    private final PrintWriter err;

    public CompareService(PrintWriter err) {
        this.err = err;
    }

    public CompareResult run(CompareRequest request) {
        RunStore ref;
        List<RunStore> others = new ArrayList<>();
        Path output = request.output();
        if (!request.runs().isEmpty()) {
            if (request.model() != null || request.quants() != null || request.tasks() != null) {
                throw HarnessException.usage("give either stored runs or --task/--model/--quant, not both");
            }
            if (request.runs().size() < 2) throw HarnessException.usage("compare needs at least two runs");
            ref = RunStore.locate(output, request.runs().getFirst());
            for (String r : request.runs().subList(1, request.runs().size())) others.add(RunStore.locate(output, r));
        } else {
            if (request.tasks() == null || request.model() == null || request.quants() == null) {
                throw HarnessException.usage("compare needs stored runs, or --task, --model and --quant");
            }
            String runtime = request.runtime();
            if (runtime == null) {
                // One runtime for every level, chosen now: each child run would otherwise choose for its own level alone.
                var source = ModelResolver.builtin().resolve(request.model()).source();
                RuntimeChoice choice = Runtimes.choose(null, source, request.quants());
                runtime = choice.provider().name();
                err.println("harness: runtime " + choice.reason());
            }
            String[] refSpec = (request.reference() == null ? runtime + ":" + request.quants().getFirst() : request.reference()).split(":", -1);
            if (refSpec.length != 2) throw HarnessException.usage("--reference is RUNTIME:QUANT, e.g. djl:f32");
            ref = ensureRun(request, refSpec[0].isEmpty() ? runtime : refSpec[0], refSpec[1], null);
            for (String q : request.quants()) {
                boolean isRef = q.equalsIgnoreCase(refSpec[1]) && (refSpec[0].isEmpty() || refSpec[0].equals(runtime));
                if (!isRef) others.add(ensureRun(request, runtime, q, ref));
            }
        }
        List<CompareRow> rows = Comparison.rows(ref, others);
        return new CompareResult(write(output, rows), rows);
    }

    /** The comparison as people read it: what {@code compare.md} holds and the command prints. */
    public static Table table(List<CompareRow> rows) {
        return Table.of("compare", null, CompareRow.DISPLAY, rows, List.of());
    }

    /** A finished run of the model with these settings: a stored one when it matches, else a new one. */
    private RunStore ensureRun(CompareRequest request, String runtime, String quant, RunStore fidelityRef) {
        Optional<RunStore> stored = findStored(request, runtime, quant, fidelityRef);
        if (stored.isPresent()) {
            err.println("harness: reusing run " + stored.get().runId() + " (" + quant + ")");
            return stored.get();
        }
        EvalRequest eval = EvalRequest.of(request.tasks(), ModelRequest.of(request.model(), runtime, quant), request.data(), request.output())
                .withLimit(request.limit()).withNumFewshot(request.numFewshot())
                .withDistributions(fidelityRef == null ? request.topKOrDefault() : null,
                        fidelityRef == null ? null : fidelityRef.dir().toString());
        var result = EvalChild.run(eval, "the " + quant + " run");
        return RunStore.locate(request.output(), result.dir().toString());
    }

    private Optional<RunStore> findStored(CompareRequest request, String runtime, String quant, RunStore fidelityRef) {
        Path output = request.output();
        if (!Files.isDirectory(output)) return Optional.empty();
        try (Stream<Path> dirs = Files.list(output)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("manifest.json")))
                    .sorted(Comparator.reverseOrder())
                    .map(d -> RunStore.open(output, d.getFileName().toString()))
                    .filter(s -> matches(request, s.readManifest(), runtime, quant, fidelityRef))
                    .findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + output, e);
        }
    }

    private static boolean matches(CompareRequest request, RunManifest m, String runtime, String quant, RunStore fidelityRef) {
        var o = m.options();
        if (o == null || m.model() == null || m.status() != RunStatus.COMPLETE) return false;
        boolean sameModel = request.model().equals(m.model().requested()) && quant.equalsIgnoreCase(o.quant())
                && (runtime == null || runtime.equals(o.runtime())) && "stored".equals(o.weights());
        boolean sameDocs = o.tasks().containsAll(request.tasks())
                && Objects.equals(request.limit() == null ? 0 : request.limit(), o.limit())
                && Objects.equals(request.numFewshot(), o.numFewshot()) && o.seed() == EvalRequest.DEFAULT_SEED;
        boolean distributions = fidelityRef == null ? o.storeTopk() >= request.topKOrDefault() : fidelityRef.isFolder(o.fidelityReference());
        return sameModel && sameDocs && distributions;
    }

    private static Path write(Path output, List<CompareRow> rows) {
        Path dir = RunStore.createTimestampedFolder(output.resolve("comparisons"));
        AtomicFiles.write(dir.resolve("compare.csv"), TableFormat.CSV.render(Table.of("compare", null, CompareRow.DATA, rows, List.of())));
        AtomicFiles.write(dir.resolve("compare.json"), Json.pretty(rows));
        AtomicFiles.write(dir.resolve("compare.md"), TableFormat.MD.render(table(rows)));
        return dir;
    }
}
