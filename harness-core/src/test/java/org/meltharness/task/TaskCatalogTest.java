package org.meltharness.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.HarnessException;

class TaskCatalogTest {
    private static final TaskCatalog CATALOG = TaskCatalog.load(List.of());

    private static List<String> names(List<TaskCatalog.LoadedTask> tasks) {
        return tasks.stream().map(t -> t.spec().task()).toList();
    }

    @Test
    void shipsMeltsTasksAndTheProofTasks() {
        for (String t : List.of("arc_easy", "arc_challenge", "hellaswag", "truthfulqa_mc1", "truthfulqa_mc2", "winogrande",
                "piqa", "mmlu_abstract_algebra", "mmlu_world_religions")) {
            assertTrue(CATALOG.tasks().containsKey(t), t);
        }
    }

    @Test
    void expandsGroupsTagsAndKeepsOrder() {
        assertEquals(List.of("arc_easy", "arc_challenge"), names(CATALOG.resolve(List.of("arc"))));
        assertEquals(List.of("hellaswag", "truthfulqa_mc1", "truthfulqa_mc2"),
                names(CATALOG.resolve(List.of("hellaswag", "truthfulqa", "truthfulqa_mc2"))));
        assertEquals(57, CATALOG.resolve(List.of("mmlu")).size());
        assertEquals(List.of("arc_challenge", "arc_easy"), names(CATALOG.resolve(List.of("ai2_arc"))), "a tag expands in name order");
        var mmlu = CATALOG.groups().get("mmlu");
        assertEquals(57, CATALOG.groupTasks(mmlu).size(), "nested groups expand to their leaf tasks");
        assertEquals(List.of("mmlu"), CATALOG.aggregatingGroups(List.of("mmlu", "arc")).stream().map(GroupSpec::group).toList());
    }

    @Test
    void includeInheritsAndOverrides() {
        TaskSpec c = CATALOG.tasks().get("arc_challenge").spec();
        assertEquals("ARC-Challenge", c.datasetName());
        assertEquals("Question: {{question}}\nAnswer:", c.docToText());
        assertEquals(List.of("acc", "acc_norm"), c.metricNames());
        TaskSpec mmlu = CATALOG.tasks().get("mmlu_college_physics").spec();
        assertEquals("first_n", mmlu.fewshotConfig().sampler());
        assertEquals("dev", mmlu.fewshotPoolSplit());
        assertEquals(List.of("mmlu_stem_tasks"), mmlu.tag());
    }

    @Test
    void unknownTaskIsAUsageErrorWithASuggestion() {
        var e = assertThrows(HarnessException.class, () -> CATALOG.resolve(List.of("arc_esy")));
        assertEquals(HarnessException.USAGE, e.exitCode());
        assertEquals("unknown task 'arc_esy' (did you mean 'arc_easy'?); './harness tasks' lists them", e.getMessage());
    }

    @Test
    void unknownKeyNamesFileAndKey(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, "task: bad\ndataset_path: arc\noutput_type: multiple_choice\ntest_split: test\n"
                + "doc_to_text: q\ndoc_to_target: 0\ndoc_to_choice: c\nmetric_list: [{metric: acc}]\nshuold_decontaminate: true\n");
        var e = assertThrows(HarnessException.class, () -> TaskCatalog.loadFrom(List.of(dir)));
        assertEquals(HarnessException.BAD_DATA, e.exitCode());
        assertEquals(f + ": unknown key 'shuold_decontaminate'", e.getMessage());
    }

    @Test
    void missingRequiredKeyAndBrokenYamlAreClear(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.yaml"), "task: a\ndataset_path: arc\noutput_type: multiple_choice\n");
        var e = assertThrows(HarnessException.class, () -> TaskCatalog.loadFrom(List.of(dir)));
        assertTrue(e.getMessage().startsWith(dir.resolve("a.yaml") + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("test_split or validation_split"), e.getMessage());
        Files.writeString(dir.resolve("a.yaml"), "task: [unclosed\n");
        var e2 = assertThrows(HarnessException.class, () -> TaskCatalog.loadFrom(List.of(dir)));
        assertTrue(e2.getMessage().contains("not valid YAML"), e2.getMessage());
    }

    @Test
    void aNewTaskIsANewFile(@TempDir Path dir) throws Exception {
        Path sub = Files.createDirectories(dir.resolve("mine"));
        Files.writeString(sub.resolve("my_arc.yaml"), """
                task: my_arc
                dataset_path: arc
                dataset_name: ARC-Easy
                output_type: multiple_choice
                test_split: test
                num_fewshot: 2
                doc_to_text: "Q: {{question}}\\nA:"
                doc_to_target: "{{choices.label.index(answerKey)}}"
                doc_to_choice: "{{choices.text}}"
                metric_list: [{metric: acc}]
                """);
        var catalog = TaskCatalog.load(List.of(sub));
        assertEquals(2, catalog.tasks().get("my_arc").spec().numFewshot());
        assertTrue(catalog.tasks().containsKey("arc_easy"), "built-in tasks stay available");
    }
}
