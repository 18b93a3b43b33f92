package org.meltharness.runtime.http;

import java.util.List;
import org.meltharness.runtime.RuntimeCommands;

/** Adds {@code harness serve}. */
public final class HttpCommands implements RuntimeCommands {
    @Override
    public List<Object> commands() {
        return List.of(new ServeCommand());
    }
}
