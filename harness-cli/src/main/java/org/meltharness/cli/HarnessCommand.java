package org.meltharness.cli;

import picocli.CommandLine.Command;

/** The top-level command; each subcommand is one class. */
@Command(
        name = "harness",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Accuracy and cost of language models, quantised and on device, per sample.",
        subcommands = {EvalCommand.class, GenerateCommand.class, BenchCommand.class, CompareCommand.class, ReportCommand.class, DiffCommand.class, TasksCommand.class,
            SuiteCommand.class, ModelsCommand.class})
public final class HarnessCommand {}
