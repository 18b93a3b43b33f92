package org.meltharness.cli;

import picocli.CommandLine.Command;

/** {@code harness suite}: run a declared matrix of evaluations, in shards, and merge the shards. */
@Command(name = "suite", mixinStandardHelpOptions = true, description = "Run and merge evaluation suites (suites/*.yaml).",
        subcommands = {SuiteRunCommand.class, SuiteMergeCommand.class})
final class SuiteCommand {}
