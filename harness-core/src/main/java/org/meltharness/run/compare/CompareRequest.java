package org.meltharness.run.compare;

import java.nio.file.Path;
import java.util.List;
import org.meltharness.run.DataLocation;

/**
 * One {@code compare}: stored runs (the first the reference), or a model at several quantisations
 * whose missing runs are made. A null field was not given.
 *
 * @param runs stored runs (ids or folders); empty to make the runs from {@code tasks}, {@code model} and {@code quants}
 * @param runtime the compared runs' runtime, or null for the fastest that offers every level
 * @param reference {@code RUNTIME:QUANT}, or null for the first quantisation on the same runtime
 * @param topK log-probs the reference keeps per scored token ({@link #DEFAULT_TOP_K})
 * @param output where runs are found and made, and comparisons written
 */
public record CompareRequest(List<String> runs, List<String> tasks, String model, List<String> quants, String runtime, String reference,
        Integer limit, Integer numFewshot, Integer topK, DataLocation data, Path output) {

    public static final int DEFAULT_TOP_K = 64;

    public CompareRequest {
        runs = runs == null ? List.of() : List.copyOf(runs);
        tasks = tasks == null ? null : List.copyOf(tasks);
        quants = quants == null ? null : List.copyOf(quants);
    }

    public int topKOrDefault() {
        return topK == null ? DEFAULT_TOP_K : topK;
    }
}
