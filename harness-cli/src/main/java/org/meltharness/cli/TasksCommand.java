package org.meltharness.cli;

import org.meltharness.command.CommonOptions;
import static org.meltharness.table.Table.Align.LEFT;
import static org.meltharness.table.Table.Align.RIGHT;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.meltharness.data.DatasetCatalog;
import org.meltharness.task.GroupSpec;
import org.meltharness.task.TaskCatalog;
import org.meltharness.task.TaskSpec;
import org.meltharness.table.Table;
import org.meltharness.table.TableFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code harness tasks}: the tasks and groups, with their metrics, data and sizes. */
@Command(name = "tasks", mixinStandardHelpOptions = true, description = "List tasks and groups.")
final class TasksCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    TaskSourceOptions taskSource;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        TaskCatalog catalog = taskSource.catalog();
        DatasetCatalog datasets = DatasetCatalog.load();
        Map<String, List<String>> groupsOf = new TreeMap<>();
        for (GroupSpec g : catalog.groups().values()) {
            for (String t : catalog.groupTasks(g)) groupsOf.computeIfAbsent(t, k -> new ArrayList<>()).add(g.group());
        }
        List<List<String>> tasks = new ArrayList<>();
        for (var loaded : catalog.tasks().values()) {
            TaskSpec t = loaded.spec();
            String docs = datasets.expectedDocs(t.datasetPath(), t.datasetName(), t.evalSplit())
                    .map(String::valueOf).orElse("?");
            String fewshot = t.numFewshot() != null && t.numFewshot() == 0 ? "fixed 0"
                    : t.fewshotPoolSplit() + " (" + t.fewshotConfig().sampler() + ")";
            tasks.add(List.of(t.task(), String.join(",", groupsOf.getOrDefault(t.task(), List.of())), String.join(",", t.metricNames()),
                    t.datasetPath() + (t.datasetName() == null ? "" : "/" + t.datasetName()), t.evalSplit(), docs, fewshot));
        }
        out.print(TableFormat.MD.render(new Table("tasks", null, List.of("task", "groups", "metrics", "dataset", "split", "docs", "few-shot"),
                tasks, List.of(), List.of(LEFT, LEFT, LEFT, LEFT, LEFT, RIGHT, LEFT))));
        out.println();
        List<List<String>> groups = new ArrayList<>();
        for (GroupSpec g : catalog.groups().values()) {
            String agg = g.aggregateMetricList().isEmpty() ? "-"
                    : g.aggregateMetricList().stream().map(a -> a.metric() + (a.weightBySize() ? " (by size)" : ""))
                            .reduce((a, b) -> a + ", " + b).orElse("-");
            groups.add(List.of(g.group(), String.valueOf(catalog.groupTasks(g).size()), agg));
        }
        out.print(TableFormat.MD.render(new Table("groups", null, List.of("group", "tasks", "aggregate"), groups, List.of(),
                List.of(LEFT, RIGHT, LEFT))));
        return 0;
    }
}
