package org.meltharness.cli;

import org.meltharness.command.CommonOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.meltharness.suite.ShardMerge;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code harness suite merge DIR... --into DIR}: the shards' outputs joined into whole runs. */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = "Join suite shards' run folders into one folder of whole runs; refuses shards of different "
                + "models, task definitions or options.")
final class SuiteMergeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DIR", arity = "1..*", description = "Folders holding the shards' runs (results/suites/<name>).")
    List<Path> sources;

    @Option(names = "--into", paramLabel = "DIR", required = true, description = "Where the merged runs go.")
    Path into;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<String> cells = ShardMerge.merge(sources, into);
        out.println("merged " + cells.size() + " cells into " + into);
        return 0;
    }
}
