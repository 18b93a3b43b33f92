package org.meltharness.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.meltharness.task.TaskCatalog;
import picocli.CommandLine.Option;

/** Where task files come from: the shipped tasks/ plus folders of the user's own. */
final class TaskSourceOptions {
    @Option(names = "--tasks-dir", paramLabel = "DIR", description = "A further folder of task YAML files.")
    List<Path> tasksDirs = new ArrayList<>();

    TaskCatalog catalog() {
        return TaskCatalog.load(tasksDirs);
    }
}
