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

    /** Whether this runtime can load the model without being named (used when no --runtime is given). */
    boolean accepts(ModelSource source);

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
