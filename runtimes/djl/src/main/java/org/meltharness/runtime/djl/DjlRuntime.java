package org.meltharness.runtime.djl;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.meltharness.HarnessException;
import org.meltharness.runtime.DistributionObserver;
import org.meltharness.runtime.Generation;
import org.meltharness.runtime.GenerationRequest;
import org.meltharness.runtime.LoglikelihoodRequest;
import org.meltharness.runtime.LoglikelihoodResult;
import org.meltharness.runtime.ModelInfo;
import org.meltharness.runtime.Runtime;
import org.meltharness.runtime.RuntimeConfig;
import org.meltharness.runtime.SharedPrefixScorer;
import org.meltharness.runtime.TokenInput;
import org.meltharness.runtime.TokenListener;
import org.meltharness.runtime.TokenGenerator;
import org.meltharness.tokenize.HfTokenizer;
import org.meltharness.tokenize.PairEncoder;
import org.meltharness.tokenize.TokenizedPair;

/**
 * A Hugging Face safetensors model run in float32 on DJL's PyTorch engine: the full-precision
 * reference the quantised runtimes are compared with. Token ids come from the model's Hugging Face
 * tokenizer through harness-core's {@link HfTokenizer}, so they are the ids every other runtime
 * of this harness uses.
 *
 * <p>Log-likelihoods are computed with each shared context once: by default the choices of a
 * document run together after their context ({@link ChoiceBatchScorer}); {@code --runtime-option
 * scoring=shared-prefix} uses harness-core's {@link SharedPrefixScorer} instead, and
 * {@code scoring=none} computes every request from its first token.
 */
final class DjlRuntime implements Runtime, TokenInput {
    /** How log-likelihoods are computed; see {@link Scoring}. */
    static final String SCORING = "scoring";

    /**
     * {@code batched} (default): each shared context once, its choices packed into one pass
     * ({@link ChoiceBatchScorer}); {@code shared-prefix}: harness-core's {@link SharedPrefixScorer},
     * one request after another reusing the longest cached prefix; {@code none}: every request from
     * its first token.
     */
    enum Scoring {
        BATCHED("batched"),
        SHARED_PREFIX("shared-prefix"),
        NONE("none");

        final String option;

        Scoring(String option) {
            this.option = option;
        }

        static Scoring of(String value) {
            for (Scoring s : values()) if (s.option.equals(value)) return s;
            throw HarnessException.usage("djl option " + SCORING + "=" + value + " is not one of batched, shared-prefix, none");
        }
    }

    private final LlamaModel model;
    private final HfTokenizer tokenizer;
    private final int window;
    private final KvCache scoringCache;
    private final SharedPrefixScorer sequential;
    private final ChoiceBatchScorer batched;
    private final Scoring scoring;
    private final TokenGenerator generator;
    private final ModelInfo info;

    private DjlRuntime(LlamaModel model, HfTokenizer tokenizer, int window, Scoring scoring, ModelInfo info) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.window = window;
        this.scoring = scoring;
        this.info = info;
        // One cache for both scorers; each forgets its cached prefix before using it after the other.
        this.scoringCache = model.newCache(window);
        this.sequential = new SharedPrefixScorer(new DjlTokenModel(model, scoringCache), window);
        this.batched = new ChoiceBatchScorer(model, scoringCache, scoring != Scoring.NONE);
        Set<Integer> eos = new LinkedHashSet<>(model.config().eosTokenIds());
        if (tokenizer.eosTokenId() >= 0) eos.add(tokenizer.eosTokenId());
        int bos = tokenizer.bosTokenId() >= 0 ? tokenizer.bosTokenId() : tokenizer.prefixTokenId();
        this.generator = new TokenGenerator(tokenizer, bos, Set.copyOf(eos));
    }

    /** Loads the model folder {@code dir} as {@code config} asks; fails with a one-line {@link HarnessException}. */
    static DjlRuntime open(Path dir, RuntimeConfig config) {
        Scoring scoring = options(config.options());
        DjlEngine.quietLogs(); // before the tokenizer, whose native library DJL loads too
        if (!Files.exists(dir)) throw HarnessException.badData("model folder " + dir + " does not exist");
        if (!Files.isDirectory(dir)) {
            throw HarnessException.unsupportedModel("djl loads a Hugging Face model folder (config.json, tokenizer.json, "
                    + "*.safetensors), not the file " + dir + (dir.toString().endsWith(".gguf")
                    ? "; for GGUF use --runtime llamacpp" : ""));
        }
        refuseUnrunnableQuant(config.quant());
        LlamaConfig c = LlamaConfig.read(dir);
        Safetensors weights = Safetensors.open(dir);
        for (Safetensors.Tensor t : weights.tensors().values()) {
            if (!Safetensors.DTYPES.contains(t.dtype())) {
                throw HarnessException.unsupportedModel("djl reads " + String.join(", ", Safetensors.DTYPES)
                        + " weights; tensor " + t.name() + " in " + t.file().getFileName() + " is " + t.dtype()
                        + " (a quantised checkpoint: run it on the runtime that wrote it)");
            }
        }
        HfTokenizer tokenizer = HfTokenizer.load(dir);
        try {
            DjlEngine.Settings engine = DjlEngine.start(config.threads());
            LlamaModel model = LlamaModel.load(weights, c);
            int window = c.maxPositions();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("engine", "PyTorch " + engine.pytorchVersion() + " via DJL " + engine.djlVersion());
            details.put("libtorch", engine.libtorch());
            details.put("libtorchPath", engine.libtorchPath());
            details.put("threads", engine.threads());
            details.put("workingMemory", "f32");
            details.put("activations", "f32");
            details.put("storedDtype", weights.storedDtype().toLowerCase(Locale.ROOT));
            details.put("weightFiles", weights.files().stream().map(p -> p.getFileName().toString()).toList());
            details.put("ropeScaling", c.ropeScaling().toString());
            details.put("tiedEmbeddings", c.tiedEmbeddings());
            details.put("scoring", scoring.option);
            // KvCache grows by doubling up to the window: this is its ceiling, in f32.
            details.put(ModelInfo.KV_CACHE_BYTES_AT_WINDOW, ModelInfo.kvCacheBytes(c.layers(), window, c.kvHeads(), c.headDim(), 4));
            if (c.slidingWindow() > 0) details.put("slidingWindow", c.slidingWindow());
            ModelInfo info = new ModelInfo("djl", "DJL " + engine.djlVersion() + " / PyTorch " + engine.pytorchVersion(),
                    dir.toString(), c.modelType(), model.parameters(), "f32", model.parameters() * 4, window, c.vocab(),
                    tokenizer.describe(), details);
            return new DjlRuntime(model, tokenizer, window, scoring, info);
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    /**
     * DJL 0.36.0's PyTorch binding has no BFloat16: its table from DJL data types to PyTorch scalar
     * types stops at complex64, and any BF16 tensor aborts the JVM (SIGABRT, "terminate called
     * without an active exception") before Java can catch anything. So bf16 is refused here, in one
     * line, rather than attempted.
     */
    static void refuseUnrunnableQuant(String quant) {
        if (quant == null || quant.equals("f32")) return;
        if (quant.equals("bf16")) {
            throw HarnessException.unsupportedModel("djl cannot run bf16: DJL 0.36.0's PyTorch binding has no BFloat16 "
                    + "type (creating a BF16 tensor aborts the JVM), so the reference runs f32 only; BF16-stored weights "
                    + "are widened to f32 exactly, use --quant f32");
        }
        throw HarnessException.usage("djl offers --quant f32 (bf16 is refused); not '" + quant + "'");
    }

    private static Scoring options(Map<String, String> options) {
        Scoring scoring = Scoring.BATCHED;
        for (Map.Entry<String, String> e : options.entrySet()) {
            if (!e.getKey().equals(SCORING)) {
                throw HarnessException.usage("djl has no runtime option '" + e.getKey() + "'; it has " + SCORING
                        + "=batched|shared-prefix|none");
            }
            scoring = Scoring.of(e.getValue());
        }
        return scoring;
    }

    @Override
    public java.util.Optional<org.meltharness.tokenize.TextTokenizer> tokenizer() {
        return java.util.Optional.of(tokenizer);
    }

    @Override
    public ModelInfo info() {
        return info;
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
        return loglikelihoodTokens(pairs, observer);
    }

    @Override
    public List<LoglikelihoodResult> loglikelihoodTokens(List<TokenizedPair> pairs, DistributionObserver observer) {
        if (scoring == Scoring.SHARED_PREFIX) {
            batched.reset();
            return sequential.score(pairs, observer);
        }
        sequential.reset();
        return batched.score(pairs, observer);
    }

    @Override
    public Generation generate(GenerationRequest request, TokenListener listener) {
        // A key/value cache of its own: scoring's cached prefix stays valid.
        try (DjlTokenModel fresh = new DjlTokenModel(model, window)) {
            return generator.generate(fresh, request, listener);
        }
    }

    @Override
    public Generation generateTokens(int[] prompt, GenerationRequest request, TokenListener listener) {
        try (DjlTokenModel fresh = new DjlTokenModel(model, window)) {
            return generator.generate(fresh, prompt, request, listener);
        }
    }

    @Override
    public void close() {
        scoringCache.close();
        model.close();
        tokenizer.close();
    }
}
