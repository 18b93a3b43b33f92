package org.meltharness.score;

import java.util.Map;

/**
 * The metrics of one document, with the predictions they came from.
 *
 * @param pred the choice with the highest log-likelihood
 * @param predNorm the choice with the highest log-likelihood per character
 */
public record DocScore(Map<String, Double> metrics, int pred, int predNorm) {
    public DocScore {
        metrics = Map.copyOf(metrics);
    }
}
