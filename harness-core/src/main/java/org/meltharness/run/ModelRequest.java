package org.meltharness.run;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.meltharness.HarnessException;
import org.meltharness.model.ModelPlan;

/**
 * Which model to load and how, as asked; a null field was not given (a resumed run then keeps its own).
 *
 * @param model a folder or file, an alias or a hub repository id
 * @param runtime the runtime to run it on, or null to let the harness choose
 * @param quant the weight format, or null for the name's suffix or the model's own
 * @param weights {@code stored} or {@code random}; null is {@code stored}
 * @param threads worker threads, 0 for the runtime's choice
 * @param runtimeOptions runtime-specific settings ({@code --runtime-option}, {@code --endpoint}, {@code --kv-type})
 */
public record ModelRequest(String model, String runtime, String quant, String weights, Integer threads,
        Map<String, String> runtimeOptions) {

    public ModelRequest {
        // A copy in the order given: a later change to the caller's map does not reach the request.
        runtimeOptions = runtimeOptions == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(runtimeOptions));
    }

    /** A model by name, everything else the harness's choice. */
    public static ModelRequest of(String model, String runtime, String quant) {
        return new ModelRequest(model, runtime, quant, null, null, Map.of());
    }

    public String weightsOrStored() {
        return weights == null ? "stored" : weights;
    }

    public int threadsOrDefault() {
        return threads == null ? 0 : threads;
    }

    /**
     * Which runtime and quantisation will load the model, checked against this JVM before anything
     * is loaded or written.
     *
     * @param seed seeds random weights ({@code weights random})
     */
    public ModelPlan plan(long seed, Path cacheDir) {
        if (threadsOrDefault() < 0) throw HarnessException.usage("--threads must not be negative (0: the runtime's choice)");
        return ModelPlan.resolve(model, runtime, quant, weightsOrStored(), seed, cacheDir).requireJvm();
    }

    /**
     * Loads the planned model, then says which runtime the harness chose and why (a model the chosen
     * runtime refuses is the one line of its refusal).
     */
    public ModelPlan.Loaded load(ModelPlan plan, DataLocation data, PrintWriter err) {
        ModelPlan.Loaded loaded = plan.load(threadsOrDefault(), data.cacheDir(), data.offline(), runtimeOptions);
        if (!plan.runtimeNamed()) err.println("harness: runtime " + plan.runtimeChoice());
        return loaded;
    }
}
