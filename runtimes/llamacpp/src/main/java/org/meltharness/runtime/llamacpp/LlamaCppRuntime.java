package org.meltharness.runtime.llamacpp;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.meltharness.model.WeightFiles;
import org.meltharness.runtime.DistributionObserver;
import org.meltharness.runtime.Generation;
import org.meltharness.runtime.GenerationRequest;
import org.meltharness.runtime.LoglikelihoodRequest;
import org.meltharness.runtime.LoglikelihoodResult;
import org.meltharness.runtime.ModelInfo;
import org.meltharness.runtime.Runtime;
import org.meltharness.runtime.TokenInput;
import org.meltharness.runtime.TokenListener;
import org.meltharness.tokenize.PairEncoder;
import org.meltharness.tokenize.TokenizedPair;

/**
 * A GGUF model run in-process by llama.cpp v0.5.0. Log-likelihoods are the log-softmax, in double,
 * of the raw logits; pairs are split by {@link PairEncoder} on the file's own tokenizer; the KV
 * cache is F32 unless asked otherwise. Scoring and generation each have a context of their own
 * (generation's is made when first needed): scoring's holds many sequences and keeps a shared
 * prefix from call to call; generation's holds one sequence and only the cells a request needs
 * (with 64 sequences and 2048 cells, decoding one token at a time ran about 12% slower on the
 * smollm2-135m shape).
 */
final class LlamaCppRuntime implements Runtime, TokenInput {
    private final LlamaModel model;
    private final LlamaTokenizer tokenizer;
    private final EngineOptions options;
    private final int window;
    private final int threads;
    private final Generator generator;
    private final Map<String, Object> baseDetails;
    private final String quant;
    private final Path givenPath;
    private LlamaContext context;
    private BatchScorer scorer;
    private LlamaContext generationContext;

    private LlamaCppRuntime(LlamaModel model, EngineOptions options, String quant, Path givenPath,
            Map<String, Object> extraDetails) {
        this.model = model;
        this.options = options;
        this.quant = quant;
        this.givenPath = givenPath;
        this.tokenizer = new LlamaTokenizer(model);
        this.window = model.trainedContext();
        this.threads = options.threadsFor(model.parameters());
        this.generator = new Generator(tokenizer, window);
        ensureCells(1); // made now, so that settings llama.cpp refuses fail before a run starts
        Map<String, Object> d = new LinkedHashMap<>(extraDetails);
        GgufFile g = model.gguf();
        BuildInfo build = model.lib().info();
        d.put("engine", LlamaCpp.NAME + " (FFM bindings), " + build.origin());
        d.put("build", build.record());
        d.put("systemInfo", build.systemInfo());
        d.put("gpuLayers", options.offload().gpuLayers());
        d.put("mainGpu", options.offload().mainGpu() < 0 ? "none" : String.valueOf(options.offload().mainGpu()));
        d.put("devicesUsed", devicesUsed(build, options.offload()));
        d.put("file", g.path().toString());
        d.put("modelDescription", model.description());
        d.put("fileType", Quantization.fileTypeLabel(g));
        d.put("tensorTypes", g.typeHistogram());
        d.put("tensorTypeBytes", g.typeBytes());
        for (var e : g.metadata().entrySet()) {
            if (e.getKey().startsWith("melt.quantize.")) d.put(e.getKey(), e.getValue().value());
        }
        d.put("kvType", options.kvType().label());
        d.put("flashAttention", options.kvType().quantized());
        d.put("threads", threads);
        d.put("threadsAsked", options.threads() == 0 ? "auto" : String.valueOf(options.threads()));
        d.put("batch", options.batch());
        d.put("ubatch", options.ubatch());
        d.put("sequences", options.seqs());
        d.put("window", window);
        d.put(ModelInfo.KV_CACHE_BYTES_AT_WINDOW, kvCacheBytes(g, options.kvType(), window));
        this.baseDetails = d;
    }

    /**
     * Loads {@code file}; {@code givenPath} is what the user named (recorded as the model's path), and
     * {@code extraDetails} records how the file was made from it (conversion, quantisation).
     */
    static LlamaCppRuntime open(LlamaCpp lib, Path file, Path givenPath, String quant, EngineOptions options, Path cacheDir,
            Map<String, Object> extraDetails) {
        LlamaModel model = LlamaModel.load(lib, file, false, options.offload());
        try {
            Map<String, Object> extra = new LinkedHashMap<>(extraDetails);
            if (cacheDir != null) {
                var weights = new WeightFiles(cacheDir).describe(file);
                extra.put("fileSha256", weights.getFirst().sha256());
            }
            return new LlamaCppRuntime(model, options, quant, givenPath, extra);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private LlamaContext newContext(int cells, int seqs) {
        return new LlamaContext(model, new LlamaContext.Settings(cells, options.batch(), options.ubatch(), seqs, threads,
                options.kvType()));
    }

    @Override
    public ModelInfo info() {
        Map<String, Object> d = new LinkedHashMap<>(baseDetails);
        LlamaContext c = context;
        int cells = c == null ? options.cells() : c.cells();
        d.put("ctx", cells);
        // The scoring cache is allocated at its cell count, which may exceed the window (stories260K: 2048 of 512).
        d.put("kvCacheBytesAllocated", kvCacheBytes(model.gguf(), options.kvType(), cells));
        return new ModelInfo("llamacpp", model.lib().info().version(), givenPath.toString(), model.gguf().architecture(),
                model.parameters(), quant, model.bytes(), window, model.vocabularySize(), tokenizer.describe(), d);
    }

    @Override
    public List<LoglikelihoodResult> loglikelihood(List<LoglikelihoodRequest> requests) {
        return loglikelihood(requests, null);
    }

    @Override
    public List<LoglikelihoodResult> loglikelihood(List<LoglikelihoodRequest> requests, DistributionObserver observer) {
        List<TokenizedPair> pairs = requests.stream()
                .map(r -> PairEncoder.encode(tokenizer, r.context(), r.continuation()))
                .toList();
        int longest = 0;
        for (TokenizedPair p : pairs) longest = Math.max(longest, Math.min(window, p.length() - 1));
        ensureCells(longest);
        return scorer.score(pairs, observer);
    }

    @Override
    public Generation generate(GenerationRequest request, TokenListener listener) {
        return generateFrom(generator.promptOf(request), request, listener);
    }

    /** Token ids scored exactly as given (a server's token-id prompts): nothing added, no tokenizer in between. */
    @Override
    public List<LoglikelihoodResult> loglikelihoodTokens(List<TokenizedPair> pairs, DistributionObserver observer) {
        int vocab = model.vocabularySize();
        int longest = 0;
        for (TokenizedPair p : pairs) {
            checkIds(p.context(), vocab);
            checkIds(p.continuation(), vocab);
            longest = Math.max(longest, Math.min(window, p.length() - 1));
        }
        ensureCells(longest);
        return scorer.score(pairs, observer);
    }

    @Override
    public Generation generateTokens(int[] prompt, GenerationRequest request, TokenListener listener) {
        checkIds(prompt, model.vocabularySize());
        return generateFrom(generator.promptOf(prompt, request), request, listener);
    }

    /** An id outside the vocabulary would abort the process inside llama.cpp: refused here in one line. */
    private static void checkIds(int[] ids, int vocab) {
        for (int id : ids) {
            if (id < 0 || id >= vocab) {
                throw org.meltharness.HarnessException.usage("token id " + id + " is outside the model's vocabulary of "
                        + vocab);
            }
        }
    }

    private Generation generateFrom(int[] prompt, GenerationRequest request, TokenListener listener) {
        int needed = generator.cellsNeeded(prompt, request);
        if (generationContext == null || generationContext.cells() < needed) {
            if (generationContext != null) generationContext.close();
            generationContext = null; // so that close() does not free it again if the next line fails
            // Rounded up so that a run of similar requests makes one context, not one each.
            generationContext = newContext(Math.min(Math.max(window, needed), roundUp(needed, 256)), 1);
        } else {
            generationContext.clearCache();
        }
        return generator.generate(generationContext, prompt, request, listener);
    }

    /** Makes the scoring context, or a larger one when a request needs more cells than it has. */
    private void ensureCells(int needed) {
        if (context != null && needed <= context.cells()) return;
        int grown = context == null ? Math.max(needed, options.cells())
                : Math.max(needed + options.ubatch(), context.cells() * 2);
        if (context != null) context.close();
        context = null; // so that close() does not free it again if the next line fails
        scorer = null;
        context = newContext(grown, options.seqs());
        scorer = new BatchScorer(context, window);
    }

    /**
     * The devices the model runs on: the CPU alone without offload; with it, the GPU named by
     * {@code main_gpu}, or every GPU of the build (llama.cpp splits layers over all of them).
     */
    static List<String> devicesUsed(BuildInfo build, LlamaModel.Offload offload) {
        List<String> cpu = build.devices().stream().filter(d -> d.type().equals("cpu"))
                .map(d -> d.name() + " (" + d.description() + ")").toList();
        if (!offload.wanted()) return cpu;
        List<BuildInfo.Device> gpus = build.gpus();
        List<BuildInfo.Device> used = offload.mainGpu() >= 0 ? List.of(gpus.get(offload.mainGpu())) : gpus;
        List<String> out = new java.util.ArrayList<>(used.stream().map(d -> d.name() + " (" + d.description() + ")").toList());
        out.addAll(cpu); // layers beyond --gpu-layers, and the input embedding, stay on the CPU
        return List.copyOf(out);
    }

    /** Bytes of keys and values of every layer at {@code positions} positions, in the cache's type. */
    static long kvCacheBytes(GgufFile g, GgmlType kvType, int positions) {
        String arch = g.architecture();
        long layers = g.integer(arch + ".block_count", 0);
        long embd = g.integer(arch + ".embedding_length", 0);
        long heads = g.integer(arch + ".attention.head_count", 1);
        long kvHeads = g.integer(arch + ".attention.head_count_kv", heads);
        long headDim = heads > 0 ? embd / heads : 0;
        long k = kvHeads * g.integer(arch + ".attention.key_length", headDim);
        long v = kvHeads * g.integer(arch + ".attention.value_length", headDim);
        long perPosition = (k + v) * kvType.typeSize / kvType.blockSize;
        return layers * positions * perPosition;
    }

    private static int roundUp(int n, int step) {
        return (n + step - 1) / step * step;
    }

    LlamaModel model() {
        return model;
    }

    @Override
    public java.util.Optional<org.meltharness.tokenize.TextTokenizer> tokenizer() {
        return java.util.Optional.of(tokenizer);
    }

    LlamaTokenizer llamaTokenizer() {
        return tokenizer;
    }

    BatchScorer scorer() {
        ensureCells(1);
        return scorer;
    }

    @Override
    public void close() {
        if (context != null) context.close();
        if (generationContext != null) generationContext.close();
        model.close();
    }
}
