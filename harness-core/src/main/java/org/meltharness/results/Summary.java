package org.meltharness.results;

import java.util.List;
import java.util.Map;

/**
 * A run's {@code summary.json}: the rows of {@code summary.csv} with the scoring convention and
 * data provenance of every task beside them.
 */
public record Summary(
        String runId, String model, String runtime, String quant, boolean complete, List<SummaryRow> rows,
        Map<String, Object> conventions) {
    public Summary {
        rows = List.copyOf(rows);
        conventions = Map.copyOf(conventions);
    }
}
