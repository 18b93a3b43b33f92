package org.meltharness.model;

import java.nio.file.Path;
import java.util.Map;
import org.meltharness.HarnessException;
import org.meltharness.runtime.ModelSource;
import org.meltharness.runtime.Runtime;
import org.meltharness.runtime.RuntimeConfig;
import org.meltharness.runtime.RuntimeProvider;
import org.meltharness.runtime.Runtimes;

/**
 * What a model name resolves to and which runtime and quantisation will load it, decided before
 * anything is loaded (so that data errors surface first); {@link #load} then loads it, timed.
 */
public record ModelPlan(RuntimeProvider provider, ModelSource source, String quant) {

    /** A loaded model and how long loading took. */
    public record Loaded(Runtime runtime, ModelPlan plan, double loadSeconds) implements AutoCloseable {
        @Override
        public void close() {
            runtime.close();
        }
    }

    /**
     * @param model what the user typed for --model
     * @param runtime --runtime, or null for the first runtime that accepts the model
     * @param quant --quant, or null for the name's suffix or the runtime's default
     * @param weights {@code stored} or {@code random}
     * @param seed seeds random weights
     */
    public static ModelPlan resolve(String model, String runtime, String quant, String weights, long seed, Path cacheDir) {
        if (model == null) throw HarnessException.usage("--model is required");
        if (runtime != null) {
            RuntimeProvider named = Runtimes.select(runtime, null);
            if (named.modelsByName()) {
                // The server resolves the name and holds the weights: nothing local to look up or to randomise.
                if ("random".equals(weights)) {
                    throw HarnessException.usage("--weights random cannot apply to --runtime " + runtime
                            + ": the server holds the weights (start it with --weights random instead)");
                }
                ModelSource remote = new ModelSource(model, null, Map.of(), "main", null);
                return new ModelPlan(named, remote, Runtimes.quant(named, remote, quant, null));
            }
        }
        ModelResolver.Resolved r = ModelResolver.builtin().resolve(model);
        ModelSource source = switch (weights == null ? "stored" : weights) {
            case "stored" -> r.source();
            case "random" -> {
                if (!r.source().isLocal()) {
                    throw HarnessException.usage("--weights random needs a local model folder (config.json and tokenizer)");
                }
                yield new ModelSource(model, RandomWeights.materialize(r.source().localPath(), seed, cacheDir), Map.of(), "main", null);
            }
            default -> throw HarnessException.usage("--weights is stored or random, not " + weights);
        };
        RuntimeProvider provider = Runtimes.select(runtime, source);
        return new ModelPlan(provider, source, Runtimes.quant(provider, source, quant, r.quant().orElse(null)));
    }

    /** Loads the model, timing it. */
    public Loaded load(int threads, Path cacheDir, boolean offline, Map<String, String> runtimeOptions) {
        RuntimeConfig config = new RuntimeConfig(source, quant, threads, cacheDir, offline, runtimeOptions);
        long t0 = System.nanoTime();
        Runtime runtime = provider.open(config);
        return new Loaded(runtime, this, (System.nanoTime() - t0) / 1e9);
    }
}
