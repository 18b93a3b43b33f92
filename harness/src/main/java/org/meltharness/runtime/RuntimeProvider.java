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

    /** The {@code --quant} values this runtime accepts, the first being its default. */
    List<String> quantizations();

    /** Whether this runtime can load the model without being named (used when no --runtime is given). */
    boolean accepts(ModelSource source);

    /** Loads the model; fails with a {@link org.meltharness.HarnessException} saying why it cannot. */
    Runtime open(RuntimeConfig config);
}
