package org.meltharness.score;

import java.util.List;
import java.util.Map;

/** A task-specific {@code process_results}: per-document metrics from the choices' log-likelihoods. */
@FunctionalInterface
public interface ResultProcessor {
    DocScore process(Map<String, Object> doc, List<String> metricNames, double[] lls, boolean[] greedy);
}
