package org.meltharness.command;

import picocli.CommandLine.Option;

/**
 * Options every subcommand takes: a picocli mixin for the CLI's commands and for those a runtime
 * module contributes ({@link org.meltharness.runtime.RuntimeCommands}), which must not depend on the CLI.
 */
public final class CommonOptions {
    @Option(names = {"-v", "--verbose"}, description = "Log what the engines do.")
    boolean verbose;

    @Option(names = "--stacktrace", description = "Print the stack trace of an error.")
    boolean stacktrace;
}
