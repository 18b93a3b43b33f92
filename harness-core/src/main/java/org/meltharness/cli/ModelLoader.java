package org.meltharness.cli;

import java.nio.file.Path;
import org.meltharness.model.ModelResolver;
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

    static Plan plan(ModelOptions opts) {
        if (opts.model == null) throw HarnessException.usage("--model is required");
        ModelResolver.Resolved r = ModelResolver.builtin().resolve(opts.model);
        RuntimeProvider provider = Runtimes.select(opts.runtime, r.source());
        String quant = Runtimes.quant(provider, r.source(), opts.quant, r.quant().orElse(null));
        return new Plan(provider, r.source(), quant);
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
