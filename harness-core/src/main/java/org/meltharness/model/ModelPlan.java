package org.meltharness.model;

import java.nio.file.Path;
import java.util.Map;
import org.meltharness.HarnessException;
import org.meltharness.runtime.JvmRestartNeeded;
import org.meltharness.runtime.ModelSource;
import org.meltharness.runtime.RuntimeChoice;
import org.meltharness.runtime.Runtime;
import org.meltharness.runtime.RuntimeConfig;
import org.meltharness.runtime.RuntimeProvider;
import org.meltharness.runtime.Runtimes;

/**
 * What a model name resolves to and which runtime and quantisation will load it, decided before
 * anything is loaded (so that data errors surface first); {@link #load} then loads it, timed.
 *
 * @param runtimeChoice why this runtime: named by the user, or the reason it was chosen
 */
public record ModelPlan(RuntimeProvider provider, ModelSource source, String quant, String runtimeChoice) {

    /** A loaded model and how long loading took. */
    public record Loaded(Runtime runtime, ModelPlan plan, double loadSeconds) implements AutoCloseable {
        @Override
        public void close() {
            runtime.close();
        }
    }

    /**
     * @param model what the user typed for --model
     * @param runtime --runtime, or null to choose by what each runtime offers ({@link Runtimes#choose})
     * @param quant --quant, or null for the name's suffix, else full precision for an alias, else the
     *     model's own format
     * @param weights {@code stored} or {@code random}
     * @param seed seeds random weights
     */
    public static ModelPlan resolve(String model, String runtime, String quant, String weights, long seed, Path cacheDir) {
        if (model == null) throw HarnessException.usage("--model is required");
        if (runtime != null) {
            RuntimeProvider named = Runtimes.named(runtime);
            if (named.modelsByName()) {
                // The server resolves the name and holds the weights: nothing local to look up or to randomise.
                if ("random".equals(weights)) {
                    throw HarnessException.usage("--weights random cannot apply to --runtime " + runtime
                            + ": the server holds the weights (start it with --weights random instead)");
                }
                ModelSource remote = new ModelSource(model, null, Map.of(), "main", null);
                return new ModelPlan(named, remote, Runtimes.quant(named, remote, quant, null), "named with --runtime");
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
        String fromName = r.quant().orElse(null);
        ModelPlan plan;
        if (runtime != null) {
            RuntimeProvider named = Runtimes.named(runtime);
            plan = new ModelPlan(named, source, Runtimes.quant(named, source, quant, fromName), "named with --runtime");
        } else {
            if (quant != null && fromName != null && !quant.equalsIgnoreCase(fromName)) {
                throw HarnessException.usage("--quant " + quant + " contradicts the model name's -" + fromName);
            }
            String asked = quant != null ? quant : fromName;
            // A plain alias means the full-precision reference; a file or folder, its own format.
            if (asked == null && source.alias() != null && !source.isLocal()) asked = "f32";
            RuntimeChoice choice = Runtimes.choose(null, source, java.util.Collections.singletonList(asked));
            plan = new ModelPlan(choice.provider(), source, choice.offers().getFirst().quant(), choice.reason());
        }
        return plan;
    }

    /**
     * Checks that this JVM can run the plan here, before anything is loaded or written.
     *
     * @throws JvmRestartNeeded when the runtime needs JVM options this JVM was not started with
     */
    public ModelPlan requireJvm() {
        provider.jvmRestart(source, quant).ifPresent(restart -> {
            throw new JvmRestartNeeded(restart);
        });
        return this;
    }

    /** Whether the user named the runtime (no choice was made). */
    public boolean runtimeNamed() {
        return "named with --runtime".equals(runtimeChoice);
    }

    /** Loads the model, timing it. */
    public Loaded load(int threads, Path cacheDir, boolean offline, Map<String, String> runtimeOptions) {
        RuntimeConfig config = new RuntimeConfig(source, quant, threads, cacheDir, offline, runtimeOptions);
        long t0 = System.nanoTime();
        Runtime runtime = provider.open(config);
        return new Loaded(runtime, this, (System.nanoTime() - t0) / 1e9);
    }
}
