package org.meltharness.runtime.llamacpp;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.meltharness.SharedFiles;
import org.meltharness.data.DataOptions;
import org.meltharness.data.DataStore;
import org.meltharness.data.DatasetCatalog;
import org.meltharness.data.Downloader;
import org.meltharness.eval.TaskJob;
import org.meltharness.eval.TaskPreparer;
import org.meltharness.measure.Memory;
import org.meltharness.model.RandomWeights;
import org.meltharness.runtime.Generation;
import org.meltharness.runtime.GenerationRequest;
import org.meltharness.runtime.LoglikelihoodRequest;
import org.meltharness.runtime.LoglikelihoodResult;
import org.meltharness.runtime.ModelSource;
import org.meltharness.runtime.RuntimeConfig;
import org.meltharness.task.DocRequests;
import org.meltharness.task.TaskCatalog;
import org.meltharness.tokenize.TokenizedPair;

/**
 * Speed of the llamacpp runtime (a main, not a test). Modes:
 * <pre>
 * prepare DIR [seed]                                   smollm2-135m shape: random weights, F32 GGUF, Q8_0 and Q4_0
 * score GGUF TASK ITEMS THREADS [key=value...]         log-likelihood items/s, as eval scores them (32 docs a call)
 * generate GGUF PROMPT_TOKENS NEW_TOKENS THREADS REPS [key=value...]   prefill and decode rate of this runtime
 * prefill GGUF TOKENS THREADS REPS [key=value...]      the scorer's prefill of TOKENS tokens (benchTokens), one request
 * </pre>
 * The library's own prefill and decode of the same tokens: {@code src/test/c/native_bench.c}.
 * <pre>
 * </pre>
 */
public final class LlamaCppBench {
    private LlamaCppBench() {}

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "prepare" -> prepare(Path.of(args[1]), args.length > 2 ? Long.parseLong(args[2]) : 1);
            case "score" -> score(Path.of(args[1]), args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                    options(args, 5));
            case "generate" -> generate(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]), Integer.parseInt(args[5]), options(args, 6));
            case "prefill" -> prefill(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]), options(args, 5));
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    private static Map<String, String> options(String[] args, int from) {
        Map<String, String> o = new HashMap<>();
        for (String kv : Arrays.copyOfRange(args, from, args.length)) o.put(kv.split("=")[0], kv.split("=")[1]);
        return o;
    }

    static void prepare(Path dir, long seed) {
        Path shape = SharedFiles.root().resolve("models/shapes/smollm2-135m");
        long t0 = System.nanoTime();
        Path hf = RandomWeights.materialize(shape, seed, dir.resolve("cache"));
        Path f32 = dir.resolve("smollm2-135m-f32.gguf");
        HfConverter.convert(TestModels.lib(), hf, f32, GgmlType.F32);
        System.out.printf(Locale.ROOT, "%s %,d bytes (%.1f s)%n", f32, f32.toFile().length(), (System.nanoTime() - t0) / 1e9);
        for (Quantization q : List.of(Quantization.Q8_0, Quantization.Q4_0)) {
            Path out = dir.resolve("smollm2-135m-" + q.label() + ".gguf");
            long t1 = System.nanoTime();
            Quantizer.Result r = Quantizer.quantize(TestModels.lib(), f32, out, q, false, Runtime.getRuntime().availableProcessors());
            System.out.printf(Locale.ROOT, "%s %,d bytes %s (%.1f s)%n", out, out.toFile().length(), r.types(),
                    (System.nanoTime() - t1) / 1e9);
        }
    }

    static void score(Path gguf, String task, int items, int threads, Map<String, String> options) {
        TaskCatalog catalog = TaskCatalog.load(List.of());
        DataStore store = new DataStore(DatasetCatalog.load(), new DataOptions(SharedFiles.datasets(),
                Path.of("/nonexistent"), true), new Downloader(), msg -> {});
        TaskJob job = new TaskPreparer(store, msg -> {}).prepare(catalog.tasks().get(task), items + 2, 0, 1234);
        List<DocRequests> docs = job.docs();
        long t0 = System.nanoTime();
        try (var rt = (LlamaCppRuntime) new LlamaCppRuntimeProvider().open(new RuntimeConfig(ModelSource.local(gguf), null, threads,
                Path.of(System.getProperty("java.io.tmpdir"), "melt-bench-cache"), true, options))) {
            double load = (System.nanoTime() - t0) / 1e9;
            run(rt, docs.subList(items, items + 2)); // warm-up on two documents not measured
            BatchScorer.Work before = rt.scorer().work();
            long cpu0 = cpuNanos();
            long t1 = System.nanoTime();
            long[] counts = run(rt, docs.subList(0, items));
            double seconds = (System.nanoTime() - t1) / 1e9;
            double cpu = (cpuNanos() - cpu0) / 1e9;
            System.out.printf(Locale.ROOT, "%s %s: %d items in %.2f s = %.2f items/s; %d requests, %d input tokens, %d "
                            + "computed (%.0f%%), %.0f computed tokens/s; load %.2f s; threads %s; peak RSS %d MiB%n",
                    gguf.getFileName(), task, items, seconds, items / seconds, counts[0], counts[1], counts[2],
                    100.0 * counts[2] / counts[1], counts[2] / seconds, load, rt.info().details().get("threads"),
                    Memory.peakResidentBytes() >> 20);
            BatchScorer.Work work = rt.scorer().work().since(before);
            System.out.printf(Locale.ROOT, "  %d llama_decode calls, %d rows computed, %d rows scored (output head); "
                    + "process CPU time %.2f s%n", work.decodes(), work.computedRows(), work.scoredRows(), cpu);
        }
    }

    /** CPU time of every thread of this process so far (what a contended machine does not inflate). */
    private static long cpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(-1L);
    }

    /** Scores documents 32 to a call, as the evaluator does; returns requests, input tokens and tokens computed. */
    private static long[] run(LlamaCppRuntime rt, List<DocRequests> docs) {
        long[] counts = new long[3];
        for (int i = 0; i < docs.size(); i += 32) {
            List<LoglikelihoodRequest> requests = new ArrayList<>();
            for (DocRequests d : docs.subList(i, Math.min(docs.size(), i + 32))) {
                for (DocRequests.Request r : d.requests()) requests.add(new LoglikelihoodRequest(r.context(), r.continuation()));
            }
            for (LoglikelihoodResult r : rt.loglikelihood(requests)) {
                counts[0]++;
                int input = r.contextTokens() + r.continuationTokens() - 1;
                counts[1] += input;
                counts[2] += input - r.reusedTokens();
            }
        }
        return counts;
    }

    static void generate(Path gguf, int promptTokens, int newTokens, int threads, int reps, Map<String, String> options) {
        try (var rt = (LlamaCppRuntime) new LlamaCppRuntimeProvider().open(new RuntimeConfig(ModelSource.local(gguf), null, threads,
                Path.of(System.getProperty("java.io.tmpdir"), "melt-bench-cache"), true, options))) {
            String prompt = promptOf(rt.llamaTokenizer(), promptTokens);
            double[] prefill = new double[reps];
            double[] decode = new double[reps];
            double[] decodeCpu = new double[reps];
            double[] prefillCpu = new double[reps];
            var mx = java.lang.management.ManagementFactory.getThreadMXBean();
            for (int rep = 0; rep <= reps; rep++) {
                long[] cpuAt = new long[newTokens];
                int[] n = {0};
                long c0 = mx.getCurrentThreadCpuTime();
                // With one thread llama.cpp computes on the calling thread: its CPU time is the work done.
                Generation g = rt.generate(new GenerationRequest(prompt, newTokens, 0, 0, false, List.of()),
                        (id, text) -> cpuAt[n[0]++] = mx.getCurrentThreadCpuTime());
                long[] t = g.tokenNanos();
                if (rep == 0) continue; // warm-up
                prefill[rep - 1] = g.promptTokens() / (g.prefillNanos() / 1e9);
                prefillCpu[rep - 1] = g.promptTokens() / ((cpuAt[0] - c0) / 1e9);
                decode[rep - 1] = (t.length - 1) / ((t[t.length - 1] - t[0]) / 1e9);
                decodeCpu[rep - 1] = (n[0] - 1) / ((cpuAt[n[0] - 1] - cpuAt[0]) / 1e9);
            }
            System.out.printf(Locale.ROOT, "%s ours: prompt %d, %d new, threads %s, kv %s: prefill %.1f tok/s, decode %.1f "
                            + "tok/s; per CPU-second of the calling thread: prefill (to first token) %.1f, decode %.1f tok/s "
                            + "(medians of %d; decode runs %s); peak RSS %d MiB%n", gguf.getFileName(), promptTokens, newTokens,
                    rt.info().details().get("threads"), rt.info().details().get("kvType"), median(prefill), median(decode),
                    median(prefillCpu), median(decodeCpu), reps, Arrays.toString(round(decode)),
                    Memory.peakResidentBytes() >> 20);
        }
    }

    /**
     * The scorer's prefill: one request whose input is {@code tokens} tokens ({@link #benchTokens}; the
     * continuation is the next one, so the output head runs at the last row only), from an empty cache
     * each time, as tokens per second. native_bench.c decodes the same tokens with the library alone.
     */
    static void prefill(Path gguf, int tokens, int threads, int reps, Map<String, String> options) {
        try (var rt = (LlamaCppRuntime) new LlamaCppRuntimeProvider().open(new RuntimeConfig(ModelSource.local(gguf), null,
                threads, Path.of(System.getProperty("java.io.tmpdir"), "melt-bench-cache"), true, options))) {
            int[] t = benchTokens(rt.model().bos(), rt.model().vocabularySize(), tokens + 1);
            TokenizedPair pair = new TokenizedPair(Arrays.copyOf(t, tokens), new int[] {t[tokens]});
            BatchScorer scorer = rt.scorer();
            double[] rate = new double[reps];
            double[] cpuRate = new double[reps];
            var mx = java.lang.management.ManagementFactory.getThreadMXBean();
            for (int rep = -1; rep < reps; rep++) {
                scorer.reset();
                long c0 = mx.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                scorer.score(List.of(pair), null);
                double seconds = (System.nanoTime() - t0) / 1e9;
                double cpu = (mx.getCurrentThreadCpuTime() - c0) / 1e9;
                if (rep >= 0) {
                    rate[rep] = tokens / seconds;
                    cpuRate[rep] = tokens / cpu;
                }
            }
            System.out.printf(Locale.ROOT, "%s scorer: %d tokens, threads %s, batch %s, kv %s: prefill %.1f tok/s, per "
                            + "CPU-second of the calling thread %.1f tok/s (medians of %d; runs %s)%n", gguf.getFileName(),
                    tokens, rt.info().details().get("threads"), rt.info().details().get("batch"),
                    rt.info().details().get("kvType"), median(rate), median(cpuRate), reps, Arrays.toString(round(rate)));
        }
    }

    /** BOS, then {@code i * 48271 + 11} modulo the vocabulary: the tokens native_bench.c uses too. */
    static int[] benchTokens(int bos, int vocab, int n) {
        int[] t = new int[n];
        t[0] = bos;
        for (int i = 1; i < n; i++) t[i] = (int) (((long) i * 48271 + 11) % vocab);
        return t;
    }

    /** A prompt of about {@code tokens} tokens, BOS included when the tokenizer adds one. */
    static String promptOf(LlamaTokenizer tok, int tokens) {
        String unit = "The quick brown fox jumps over the lazy dog, and the little girl named Lily plays in the park. ";
        String[] words = unit.repeat(tokens / 10 + 1).split(" ");
        int lo = 1;
        int hi = words.length;
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            if (tok.encode(String.join(" ", Arrays.copyOf(words, mid))).length >= tokens) hi = mid;
            else lo = mid + 1;
        }
        return String.join(" ", Arrays.copyOf(words, lo));
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double[] round(double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) r[i] = Math.round(v[i] * 10) / 10.0;
        return r;
    }
}
