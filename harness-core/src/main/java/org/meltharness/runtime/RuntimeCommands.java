package org.meltharness.runtime;

import java.util.List;

/**
 * Subcommands a runtime module adds to {@code harness} (llama.cpp's {@code convert} and
 * {@code quantize}), found through {@link java.util.ServiceLoader} like runtimes themselves.
 * Each command is a picocli {@code @Command} object, usually a {@code Callable<Integer>}; it
 * reports failures by throwing {@link org.meltharness.HarnessException}.
 */
public interface RuntimeCommands {
    List<Object> commands();
}
