package org.meltharness.cli;

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
        out.println("| task | groups | metrics | dataset | split | docs | few-shot |");
        out.println("|------|--------|---------|---------|-------|-----:|----------|");
        for (var loaded : catalog.tasks().values()) {
            TaskSpec t = loaded.spec();
            String docs = datasets.expectedDocs(t.datasetPath(), t.datasetName(), t.evalSplit())
                    .map(String::valueOf).orElse("?");
            String fewshot = t.numFewshot() != null && t.numFewshot() == 0 ? "fixed 0"
                    : t.fewshotPoolSplit() + " (" + t.fewshotConfig().sampler() + ")";
            out.printf("| %s | %s | %s | %s%s | %s | %s | %s |%n", t.task(),
                    String.join(",", groupsOf.getOrDefault(t.task(), List.of())), String.join(",", t.metricNames()),
                    t.datasetPath(), t.datasetName() == null ? "" : "/" + t.datasetName(), t.evalSplit(), docs, fewshot);
        }
        out.println();
        out.println("| group | tasks | aggregate |");
        out.println("|-------|------:|-----------|");
        for (GroupSpec g : catalog.groups().values()) {
            String agg = g.aggregateMetricList().isEmpty() ? "-"
                    : g.aggregateMetricList().stream().map(a -> a.metric() + (a.weightBySize() ? " (by size)" : ""))
                            .reduce((a, b) -> a + ", " + b).orElse("-");
            out.printf("| %s | %d | %s |%n", g.group(), catalog.groupTasks(g).size(), agg);
        }
        return 0;
    }
}
