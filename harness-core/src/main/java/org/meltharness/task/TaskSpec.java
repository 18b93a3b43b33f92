package org.meltharness.task;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;

/**
 * One task file, with lm-evaluation-harness's key names and meanings; {@code include:} is resolved
 * before binding. Named functions ({@code process_docs}, {@code process_results}) refer to Java
 * code in one explicit map ({@link DocProcessors}, {@link org.meltharness.score.ResultProcessors})
 * instead of lm-eval's {@code !function} hooks, so a task file stays data.
 */
public record TaskSpec(
        @JsonProperty("task") String task,
        @JsonProperty("task_alias") String taskAlias,
        @JsonProperty("tag") @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> tag,
        @JsonProperty("dataset_path") String datasetPath,
        @JsonProperty("dataset_name") String datasetName,
        @JsonProperty("test_split") String testSplit,
        @JsonProperty("validation_split") String validationSplit,
        @JsonProperty("training_split") String trainingSplit,
        @JsonProperty("fewshot_split") String fewshotSplit,
        @JsonProperty("output_type") String outputType,
        @JsonProperty("process_docs") String processDocs,
        @JsonProperty("description") String description,
        @JsonProperty("doc_to_text") Object docToText,
        @JsonProperty("doc_to_target") Object docToTarget,
        @JsonProperty("doc_to_choice") Object docToChoice,
        @JsonProperty("process_results") String processResults,
        @JsonProperty("target_delimiter") String targetDelimiter,
        @JsonProperty("fewshot_delimiter") String fewshotDelimiter,
        @JsonProperty("num_fewshot") Integer numFewshot,
        @JsonProperty("fewshot_config") FewshotConfig fewshotConfig,
        @JsonProperty("metric_list") List<MetricSpec> metricList,
        @JsonProperty("metadata") Metadata metadata) {

    public TaskSpec {
        require(task, "task");
        require(datasetPath, "dataset_path");
        require(outputType, "output_type");
        if (!outputType.equals("multiple_choice")) {
            throw new IllegalArgumentException("output_type '" + outputType + "' is not supported (only multiple_choice)");
        }
        if (testSplit == null && validationSplit == null) {
            throw new IllegalArgumentException("one of test_split or validation_split is required");
        }
        require(docToText, "doc_to_text");
        require(docToTarget, "doc_to_target");
        require(docToChoice, "doc_to_choice");
        if (metricList == null || metricList.isEmpty()) throw new IllegalArgumentException("metric_list is required");
        tag = tag == null ? List.of() : List.copyOf(tag);
        metricList = List.copyOf(metricList);
        targetDelimiter = Objects.requireNonNullElse(targetDelimiter, " ");
        fewshotDelimiter = Objects.requireNonNullElse(fewshotDelimiter, "\n\n");
        description = Objects.requireNonNullElse(description, "");
        fewshotConfig = Objects.requireNonNullElse(fewshotConfig, new FewshotConfig("default"));
        metadata = Objects.requireNonNullElse(metadata, new Metadata(1.0));
        if (numFewshot != null && numFewshot < 0) throw new IllegalArgumentException("num_fewshot must not be negative");
    }

    /** The split that is evaluated: lm-eval takes the test split when there is one. */
    public String evalSplit() {
        return testSplit != null ? testSplit : validationSplit;
    }

    /**
     * lm-eval's {@code fewshot_split == test_split} on the values as written (two unset splits are
     * equal): its sampler then draws one example more than asked and drops the evaluated document.
     */
    public boolean fewshotDrawsExtra() {
        return java.util.Objects.equals(fewshotSplit, testSplit);
    }

    /** The split few-shot examples come from: fewshot, else training, else validation, else test. */
    public String fewshotPoolSplit() {
        if (fewshotSplit != null) return fewshotSplit;
        if (trainingSplit != null) return trainingSplit;
        if (validationSplit != null) return validationSplit;
        return testSplit;
    }

    public List<String> metricNames() {
        return metricList.stream().map(MetricSpec::metric).toList();
    }

    private static void require(Object value, String key) {
        if (value == null) throw new IllegalArgumentException("'" + key + "' is required");
    }

    /** How few-shot examples are drawn: {@code default} (seeded random) or {@code first_n}. */
    public record FewshotConfig(@JsonProperty("sampler") String sampler) {
        public FewshotConfig {
            sampler = Objects.requireNonNullElse(sampler, "default");
            if (!sampler.equals("default") && !sampler.equals("first_n")) {
                throw new IllegalArgumentException("fewshot_config.sampler must be default or first_n, not " + sampler);
            }
        }
    }

    /** One reported metric; every metric here aggregates by mean and is higher-is-better. */
    public record MetricSpec(
            @JsonProperty("metric") String metric,
            @JsonProperty("aggregation") String aggregation,
            @JsonProperty("higher_is_better") Boolean higherIsBetter) {
        public MetricSpec {
            require(metric, "metric_list[].metric");
            aggregation = Objects.requireNonNullElse(aggregation, "mean");
            if (!aggregation.equals("mean")) {
                throw new IllegalArgumentException("aggregation '" + aggregation + "' is not supported (only mean)");
            }
            higherIsBetter = Objects.requireNonNullElse(higherIsBetter, Boolean.TRUE);
            if (!higherIsBetter) {
                // compare's deltas and the reports read every metric as higher-is-better.
                throw new IllegalArgumentException("metric '" + metric + "': higher_is_better false is not supported");
            }
        }
    }

    /** The task's version, recorded beside its numbers. */
    public record Metadata(@JsonProperty("version") Double version) {}
}
