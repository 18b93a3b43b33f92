package org.meltharness.command;

import java.io.PrintWriter;
import java.util.ServiceLoader;
import org.meltharness.HarnessException;

/**
 * The {@code harness} command line, run in this process, for code below the CLI module (which may
 * not depend on it): the CLI module provides it through {@code META-INF/services}.
 */
public interface HarnessCommandLine {
    /** Runs one command line as {@code main} would, printing to {@code out} and {@code err}, and returns its exit code. */
    int execute(PrintWriter out, PrintWriter err, String... args);

    /** The command line on the class path; a usage error where the CLI module is missing. */
    static HarnessCommandLine find() {
        return ServiceLoader.load(HarnessCommandLine.class).findFirst()
                .orElseThrow(() -> HarnessException.usage("the harness command line (module harness-cli) is not on the class path"));
    }
}
