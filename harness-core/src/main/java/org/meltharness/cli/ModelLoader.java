package org.meltharness.cli;

import java.nio.file.Path;
import org.meltharness.model.ModelPlan;

/** {@link ModelPlan} from the shared model options. */
final class ModelLoader {
    private ModelLoader() {}

    /**
     * @param seed seeds random weights when {@code --weights random}
     */
    static ModelPlan plan(ModelOptions opts, long seed, Path cacheDir) {
        if (opts.threads < 0) throw org.meltharness.HarnessException.usage("--threads must not be negative (0: the runtime's choice)");
        ModelPlan plan = ModelPlan.resolve(opts.model, opts.runtime, opts.quant, opts.weights, seed, cacheDir);
        return plan.requireJvm();
    }

    /**
     * Loads the planned model, then says which runtime the harness chose and why (a model the chosen
     * runtime refuses is the one line of its refusal).
     */
    static ModelPlan.Loaded load(ModelPlan plan, ModelOptions opts, Path cacheDir, boolean offline, java.io.PrintWriter err) {
        ModelPlan.Loaded loaded = plan.load(opts.threads, cacheDir, offline, opts.runtimeOptions);
        if (!plan.runtimeNamed()) err.println("harness: runtime " + plan.runtimeChoice());
        return loaded;
    }
}
