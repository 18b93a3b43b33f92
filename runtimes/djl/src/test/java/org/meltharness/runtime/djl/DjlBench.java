package org.meltharness.runtime.djl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.meltharness.SharedFiles;
import org.meltharness.data.DataOptions;
import org.meltharness.data.DataStore;
import org.meltharness.data.DatasetCatalog;
import org.meltharness.data.Downloader;
import org.meltharness.eval.TaskPreparer;
import org.meltharness.measure.Memory;
import org.meltharness.model.RandomWeights;
import org.meltharness.runtime.LoglikelihoodRequest;
import org.meltharness.runtime.LoglikelihoodResult;
import org.meltharness.runtime.ModelSource;
import org.meltharness.runtime.RuntimeConfig;
import org.meltharness.task.DocRequests;
import org.meltharness.task.TaskCatalog;

/**
 * Log-likelihood throughput of the djl runtime on HellaSwag items (a main, not a test): items/s and
 * tokens/s for each scoring mode: {@code batched} (an item's context once, its four endings in one
 * packed pass), {@code shared-prefix} (harness-core's scorer: one request after another, reusing
 * the cached context) and {@code none} (every request from its first token). A folder without weights (a shape such as
 * {@code shapes/smollm2-135m}) gets the seeded random weights of {@code --weights random}.
 *
 * <p>Usage: {@code DjlBench [model-or-shape] [items] [threads] [repeats]}; defaults
 * {@code ../shared/models/shapes/smollm2-135m 20 2 3}. Prints one row per mode and repeat, then
 * the median of each mode.
 */
public final class DjlBench {
    private DjlBench() {}

    public static void main(String[] args) throws IOException {
        Path model = args.length > 0 ? Path.of(args[0]) : SharedFiles.root().resolve("models/shapes/smollm2-135m");
        int items = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int repeats = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        Path cache = Path.of(System.getProperty("java.io.tmpdir"), "melt-bench-cache");
        if (!hasWeights(model)) model = RandomWeights.materialize(model, 1, cache);
        List<LoglikelihoodRequest> requests = hellaswag(items + 2);
        System.out.printf(Locale.ROOT, "machine: %s, %d processors, load average %s; model %s; %d HellaSwag items "
                + "(%d requests) after 2 warm-up items; %d threads%n", cpu(), java.lang.Runtime.getRuntime()
                .availableProcessors(), load(), model.getFileName(), items, 4 * items, threads);
        System.out.println("| mode | repeat | items/s | tokens/s | computed tokens/s | tokens | computed tokens | s |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        Map<String, double[]> medians = new java.util.LinkedHashMap<>();
        for (String scoring : List.of("batched", "shared-prefix", "none")) {
            try (DjlRuntime rt = (DjlRuntime) new DjlRuntimeProvider().open(new RuntimeConfig(ModelSource.local(model),
                    "f32", threads, cache, true, Map.of(DjlRuntime.SCORING, scoring)))) {
                rt.loglikelihood(requests.subList(0, 8)); // warm-up: two items
                List<LoglikelihoodRequest> timed = requests.subList(8, requests.size());
                double[] itemsPerSecond = new double[repeats];
                for (int rep = 0; rep < repeats; rep++) {
                    long t0 = System.nanoTime();
                    List<LoglikelihoodResult> results = rt.loglikelihood(timed);
                    double s = (System.nanoTime() - t0) / 1e9;
                    long tokens = 0;
                    long computed = 0;
                    for (LoglikelihoodResult r : results) {
                        long n = r.contextTokens() + r.continuationTokens() - 1; // the input the model runs
                        tokens += n;
                        computed += n - r.reusedTokens();
                    }
                    itemsPerSecond[rep] = items / s;
                    System.out.printf(Locale.ROOT, "| %s | %d | %.2f | %.0f | %.0f | %d | %d | %.1f |%n",
                            scoring, rep, items / s, tokens / s, computed / s, tokens,
                            computed, s);
                }
                medians.put(scoring, itemsPerSecond);
            }
        }
        medians.forEach((scoring, v) -> {
            double[] sorted = v.clone();
            Arrays.sort(sorted);
            System.out.printf(Locale.ROOT, "median %s: %.2f items/s%n", scoring, sorted[sorted.length / 2]);
        });
        System.out.printf("peak RSS %d MiB%n", Memory.peakResidentBytes() >> 20);
    }

    /** The first {@code n} HellaSwag validation items from ../shared/datasets, as the harness builds their requests. */
    static List<LoglikelihoodRequest> hellaswag(int n) {
        DataStore store = new DataStore(DatasetCatalog.load(), new DataOptions(SharedFiles.datasets(), Path.of("/nonexistent"),
                true), new Downloader(), msg -> {});
        var task = TaskCatalog.load(List.of()).tasks().get("hellaswag");
        List<DocRequests> docs = new TaskPreparer(store, msg -> {}).prepare(task, n, 0, 1234).docs();
        List<LoglikelihoodRequest> out = new ArrayList<>();
        for (DocRequests d : docs) {
            for (DocRequests.Request r : d.requests()) out.add(new LoglikelihoodRequest(r.context(), r.continuation()));
        }
        return out;
    }

    private static boolean hasWeights(Path model) throws IOException {
        try (var s = Files.list(model)) {
            return s.anyMatch(p -> p.getFileName().toString().endsWith(".safetensors"));
        }
    }

    private static String cpu() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
