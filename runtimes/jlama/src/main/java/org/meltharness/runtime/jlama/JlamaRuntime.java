package org.meltharness.runtime.jlama;

import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.safetensors.Config;
import com.github.tjake.jlama.safetensors.DType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.meltharness.model.SafetensorsHeader;
import org.meltharness.HarnessException;
import org.meltharness.runtime.Generation;
import org.meltharness.runtime.GenerationRequest;
import org.meltharness.runtime.LoglikelihoodRequest;
import org.meltharness.runtime.DistributionObserver;
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
 * A safetensors model run by Jlama 0.8.4. Token ids always come from the model's Hugging Face
 * tokenizer; Jlama's own detokeniser garbles byte-fallback text and is never used.
 */
final class JlamaRuntime implements Runtime, TokenInput {
    /**
     * Runtime option: {@code shared-prefix} (default) computes the tokens a request shares with the
     * cached previous one once; {@code none} runs every request from its first token, to measure
     * what sharing saves.
     */
    static final String SCORING = "scoring";

    private final AbstractModel model;
    private final HfTokenizer tokenizer;
    private final boolean sharePrefixes;
    private final int window;
    private final JlamaTokenModel scoringModel;
    private final SharedPrefixScorer scorer;
    private final TokenGenerator generator;
    private final ModelInfo info;

    private JlamaRuntime(AbstractModel model, HfTokenizer tokenizer, int window, boolean sharePrefixes, ModelInfo info) {
        this.model = model;
        this.sharePrefixes = sharePrefixes;
        this.tokenizer = tokenizer;
        this.window = window;
        this.info = info;
        this.scoringModel = new JlamaTokenModel(model, window);
        this.scorer = new SharedPrefixScorer(scoringModel, window);
        Set<Integer> eos = new LinkedHashSet<>(model.getConfig().eosTokens == null ? List.of()
                : model.getConfig().eosTokens);
        if (tokenizer.eosTokenId() >= 0) eos.add(tokenizer.eosTokenId());
        int bos = tokenizer.bosTokenId() >= 0 ? tokenizer.bosTokenId() : tokenizer.prefixTokenId();
        this.generator = new TokenGenerator(tokenizer, bos, Set.copyOf(eos));
    }

    /** Loads the model folder {@code dir} as {@code config} asks. */
    static JlamaRuntime open(Path dir, RuntimeConfig config) {
        ModelFolder folder = ModelFolder.open(dir);
        QuantPlan plan = QuantPlan.of(config.quant(), folder.storedDtype(), config.options());
        String scoring = config.options().getOrDefault(SCORING, "shared-prefix");
        if (!scoring.equals("shared-prefix") && !scoring.equals("none")) {
            throw HarnessException.usage("jlama option scoring=" + scoring + " is not one of shared-prefix, none");
        }
        HfTokenizer tokenizer = HfTokenizer.load(dir);
        try {
            JlamaEngine.Settings engine = JlamaEngine.configure(config.threads(), plan.ops());
            Config c = JlamaLoader.config(folder);
            JlamaLoader.checkShapes(c, plan.q4(), JlamaEngine.splits(), dir);
            Path weights = switch (plan.weights()) {
                case AS_STORED -> dir;
                case Q4_CACHE -> cache(config).q4(folder);
                case F32_CACHE -> cache(config).f32(folder);
            };
            ModelFolder loaded = weights.equals(dir) ? folder : ModelFolder.open(weights);
            AbstractModel model = JlamaLoader.build(weights, folder.modelType(), c, plan.workingQuant(), plan.loadQuant());
            int window = Math.min(JlamaLoader.positions(folder), JlamaTokenModel.window(c));
            ModelInfo info = new ModelInfo("jlama", jlamaVersion(), dir.toString(), folder.modelType(),
                    folder.parameters(), plan.quant(), heldBytes(loaded, plan), window, c.vocabularySize,
                    tokenizer.describe(), details(model, plan, engine, folder, weights, scoring, window));
            return new JlamaRuntime(model, tokenizer, window, scoring.equals("shared-prefix"), info);
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
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
        if (sharePrefixes) return scorer.score(pairs, observer);
        List<LoglikelihoodResult> out = new java.util.ArrayList<>(pairs.size());
        for (int i = 0; i < pairs.size(); i++) {
            scorer.reset();
            int request = i; // the scorer numbers its one pair 0
            DistributionObserver own = observer == null ? null : (r, position, target, logits) -> observer.observe(request, position, target, logits);
            out.addAll(scorer.score(List.of(pairs.get(i)), own));
        }
        return out;
    }

    @Override
    public Generation generate(GenerationRequest request, TokenListener listener) {
        // A key/value state of its own: scoring's cached prefix stays valid.
        try (JlamaTokenModel fresh = new JlamaTokenModel(model, window)) {
            return generator.generate(fresh, request, listener);
        }
    }

    @Override
    public Generation generateTokens(int[] prompt, GenerationRequest request, TokenListener listener) {
        try (JlamaTokenModel fresh = new JlamaTokenModel(model, window)) {
            return generator.generate(fresh, prompt, request, listener);
        }
    }

    /** The Jlama model, for tests that check this runtime against Jlama itself. */
    AbstractModel model() {
        return model;
    }

    @Override
    public void close() {
        scoringModel.close();
        model.close();
        if (model.getWeights() instanceof AutoCloseable weights) {
            try {
                weights.close();
            } catch (Exception e) {
                // Unmapping is best effort; the process keeps going either way.
            }
        }
        tokenizer.close();
    }

    private static Map<String, Object> details(AbstractModel model, QuantPlan plan, JlamaEngine.Settings engine,
            ModelFolder folder, Path weights, String scoring, int window) {
        DType activations = JlamaLoader.activationDtype(model);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("workingMemory", "f32");
        details.put("activations", activations == null ? "unknown" : activations.name().toLowerCase(Locale.ROOT));
        if (plan.q4()) details.put("activationsRequested", plan.workingQuant().name().toLowerCase(Locale.ROOT));
        details.put("threads", engine.threads());
        details.put(SCORING, scoring);
        // Jlama's KV buffer is paged and grows with use; this is its size at the window, in its f32 working memory.
        Config c = model.getConfig();
        details.put(ModelInfo.KV_CACHE_BYTES_AT_WINDOW, ModelInfo.kvCacheBytes(c.numberOfLayers, window,
                c.isGQA ? c.numberOfKeyValueHeads : c.numberOfHeads, c.headSize, 4));
        details.put("tensorOperations", engine.ops());
        details.put("tensorOperationsName", engine.operations());
        details.put("matrixSplits", JlamaEngine.splits());
        details.put("storedDtype", folder.storedDtype().toLowerCase(Locale.ROOT));
        details.put("weightsFolder", weights.toString());
        details.put("ropeTableRows", model.getConfig().contextLength);
        return details;
    }

    private static WeightCache cache(RuntimeConfig config) {
        if (config.cacheDir() == null) {
            throw HarnessException.usage("jlama needs a cache folder for converted weights (--cache-dir)");
        }
        return new WeightCache(config.cacheDir());
    }

    /** Bytes of weights as Jlama holds them: F16 is widened to F32, and bf16 narrows all but the embeddings. */
    static long heldBytes(ModelFolder loaded, QuantPlan plan) {
        boolean narrowing = plan.loadQuant().isPresent();
        boolean bf16Majority = loaded.storedDtype().equals("BF16");
        long sum = 0;
        for (SafetensorsHeader h : loaded.weights()) {
            for (SafetensorsHeader.Tensor t : h.tensors().values()) {
                boolean embedding = t.name().contains("embed_tokens") || t.name().contains("lm_head")
                        || t.name().endsWith("wte.weight") || t.name().endsWith("wpe.weight");
                sum += switch (t.dtype()) {
                    case "F32" -> narrowing && !embedding ? t.elements() * 2 : t.bytes();
                    case "F16" -> narrowing && !embedding ? t.elements() * 2
                            : bf16Majority ? t.bytes() : t.elements() * 4;
                    default -> t.bytes();
                };
            }
        }
        return sum;
    }

    static String jlamaVersion() {
        try (InputStream in = AbstractModel.class.getResourceAsStream(
                "/META-INF/maven/com.github.tjake/jlama-core/pom.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "unknown");
            }
        } catch (IOException e) {
            return "unknown";
        }
        return "unknown";
    }
}
