package org.meltharness.task;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A named set of tasks ({@code arc}, {@code mmlu}); with {@code aggregate_metric_list} it also
 * reports a combined score, weighted by task size as lm-eval's {@code weight_by_size} does.
 */
public record GroupSpec(
        @JsonProperty("group") String group,
        @JsonProperty("group_alias") String groupAlias,
        @JsonProperty("task") List<String> task,
        @JsonProperty("aggregate_metric_list") List<Aggregate> aggregateMetricList,
        @JsonProperty("metadata") TaskSpec.Metadata metadata) {

    public GroupSpec {
        if (group == null) throw new IllegalArgumentException("'group' is required");
        if (task == null || task.isEmpty()) throw new IllegalArgumentException("'task' must list the group's tasks");
        task = List.copyOf(task);
        aggregateMetricList = aggregateMetricList == null ? List.of() : List.copyOf(aggregateMetricList);
    }

    /** A metric combined over the group's tasks. */
    public record Aggregate(
            @JsonProperty("metric") String metric,
            @JsonProperty("aggregation") String aggregation,
            @JsonProperty("weight_by_size") Boolean weightBySize) {
        public Aggregate {
            if (metric == null) throw new IllegalArgumentException("aggregate_metric_list[].metric is required");
            if (aggregation != null && !aggregation.equals("mean")) {
                throw new IllegalArgumentException("group aggregation '" + aggregation + "' is not supported (only mean)");
            }
            weightBySize = weightBySize == null ? Boolean.FALSE : weightBySize; // lm-eval's AggMetricConfig default
        }
    }
}
