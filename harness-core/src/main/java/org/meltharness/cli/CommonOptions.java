package org.meltharness.cli;

import picocli.CommandLine.Option;

/** Options every subcommand takes. */
public final class CommonOptions {
    @Option(names = {"-v", "--verbose"}, description = "Log what the engines do.")
    boolean verbose;

    @Option(names = "--stacktrace", description = "Print the stack trace of an error.")
    boolean stacktrace;
}
