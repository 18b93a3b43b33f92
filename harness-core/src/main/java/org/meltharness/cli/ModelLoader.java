package org.meltharness.cli;

import java.nio.file.Path;
import org.meltharness.model.ModelResolver;
import org.meltharness.model.RandomWeights;
import org.meltharness.runtime.ModelSource;
import org.meltharness.runtime.Runtime;
import org.meltharness.runtime.RuntimeConfig;
import org.meltharness.runtime.RuntimeProvider;
import org.meltharness.runtime.Runtimes;
import org.meltharness.HarnessException;

/** Resolves {@code --model}, picks the runtime and quantisation, and loads the model, timing the load. */
final class ModelLoader {
    /** A loaded model and how it was chosen. */
    record Loaded(Runtime runtime, RuntimeProvider provider, ModelSource source, String quant, double loadSeconds)
            implements AutoCloseable {
        @Override
        public void close() {
            runtime.close();
        }
    }

    /** What would be loaded, decided before loading (so data errors surface first). */
    record Plan(RuntimeProvider provider, ModelSource source, String quant) {}

    private ModelLoader() {}

    /**
     * @param seed seeds random weights when {@code --weights random}
     */
    static Plan plan(ModelOptions opts, long seed, Path cacheDir) {
        if (opts.model == null) throw HarnessException.usage("--model is required");
        ModelResolver.Resolved r = ModelResolver.builtin().resolve(opts.model);
        ModelSource source = switch (opts.weights == null ? "stored" : opts.weights) {
            case "stored" -> r.source();
            case "random" -> {
                if (!r.source().isLocal()) {
                    throw HarnessException.usage("--weights random needs a local model folder (config.json and tokenizer)");
                }
                Path generated = RandomWeights.materialize(r.source().localPath(), seed, cacheDir);
                yield new ModelSource(opts.model, generated, java.util.Map.of(), "main", null);
            }
            default -> throw HarnessException.usage("--weights is stored or random, not " + opts.weights);
        };
        RuntimeProvider provider = Runtimes.select(opts.runtime, source);
        String quant = Runtimes.quant(provider, source, opts.quant, r.quant().orElse(null));
        return new Plan(provider, source, quant);
    }

    static Loaded load(Plan plan, ModelOptions opts, Path cacheDir, boolean offline) {
        RuntimeConfig config = new RuntimeConfig(plan.source(), plan.quant(), opts.threads, cacheDir, offline,
                opts.runtimeOptions);
        long t0 = System.nanoTime();
        Runtime runtime = plan.provider().open(config);
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Loaded(runtime, plan.provider(), plan.source(), plan.quant(), seconds);
    }
}
