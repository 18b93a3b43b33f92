package org.meltharness.runtime;

import java.util.List;

/**
 * A runtime module's entry point, found through {@link java.util.ServiceLoader}: adding a runtime
 * is adding a module that lists its provider in {@code META-INF/services}.
 */
public interface RuntimeProvider {

    /** The name users pass to {@code --runtime}. */
    String name();

    /** One line for {@code harness models} and error messages. */
    String description();

    /** The {@code --quant} values this runtime accepts. */
    List<String> quantizations();

    /**
     * The quantisation used when none is asked for: by default the first offered; a runtime may
     * look at the model (a model stored in BF16 runs as BF16).
     */
    default String defaultQuantization(ModelSource source) {
        return quantizations().getFirst();
    }

    /** Whether this runtime can load the model (its format, its architecture as far as can be told without loading). */
    boolean accepts(ModelSource source);

    /**
     * This runtime's wall time on the reference workload (see {@link Offer#referenceSeconds()}), as
     * measured and written in docs/PERFORMANCE.md; it ranks runtimes when none is named. Unmeasured
     * runtimes rank last.
     */
    default double referenceSeconds() {
        return Double.MAX_VALUE;
    }

    /** Whether this runtime computes {@code quant} as the format defines it, not an approximation of it. */
    default boolean exact(String quant) {
        return true;
    }

    /** The quantisation's full name in this runtime ({@code q4} may stand for {@code q4_0}). */
    default String canonicalQuant(String quant) {
        return quant;
    }

    /**
     * What this runtime offers for the model at {@code quant} (null: its default for the model) when
     * no runtime is named, or empty when it cannot run it or is only used when named (a server).
     */
    default java.util.Optional<Offer> offer(ModelSource source, String quant) {
        if (modelsByName() || !accepts(source)) return java.util.Optional.empty();
        String q = (quant == null ? defaultQuantization(source) : quant).toLowerCase(java.util.Locale.ROOT);
        if (!quantizations().contains(q)) return java.util.Optional.empty();
        return java.util.Optional.of(new Offer(name(), canonicalQuant(q), exact(q), referenceSeconds()));
    }

    /**
     * JVM options this runtime needs, from the JVM's start, to run the model at {@code quant} on this
     * machine and that the running JVM lacks (a narrower vector width, say); empty when it has all it
     * needs. Known before anything is loaded, so that the harness can restart itself with them.
     */
    default java.util.Optional<JvmRestart> jvmRestart(ModelSource source, String quant) {
        return java.util.Optional.empty();
    }

    /**
     * Whether {@code --model} is a name the runtime's server knows (a remote server) rather than a
     * local file, alias or hub repository; such a name is passed through unresolved.
     */
    default boolean modelsByName() {
        return false;
    }

    /** Loads the model; fails with a {@link org.meltharness.HarnessException} saying why it cannot. */
    Runtime open(RuntimeConfig config);
}
