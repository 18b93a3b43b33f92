package org.meltharness.cli;

import java.io.PrintWriter;
import org.meltharness.command.HarnessCommandLine;

/** The command line for modules below this one (a device runner, tests), listed in {@code META-INF/services}. */
public final class InProcessCommandLine implements HarnessCommandLine {
    @Override
    public int execute(PrintWriter out, PrintWriter err, String... args) {
        return Cli.commandLine(out, err).execute(args);
    }
}
