package org.meltharness.runtime.llamacpp;

import java.util.List;
import org.meltharness.runtime.RuntimeCommands;

/** The subcommands this module adds to {@code harness}: {@code convert}, {@code quantize} and {@code engines}. */
public final class LlamaCppCommands implements RuntimeCommands {
    @Override
    public List<Object> commands() {
        return List.of(new ConvertCommand(), new QuantizeCommand(), new EnginesCommand());
    }
}
