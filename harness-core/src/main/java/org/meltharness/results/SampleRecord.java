package org.meltharness.results;

import java.util.List;
import java.util.Map;

/**
 * One scored document: a line of {@code samples-<task>.jsonl}.
 *
 * @param docHash sha256 of the document as read (canonical JSON)
 * @param promptHash sha256 of the context (for multiple-input tasks, of all contexts joined)
 * @param pred choice with the highest log-likelihood; {@code predNorm} per character
 * @param timeMs model time spent on the document; {@code prefillMs} the part spent on contexts
 * @param tokens tokens scored (context and continuation of every choice)
 * @param prompts the contexts, when the run logs prompts
 * @param fidelity agreement with a reference run's distributions, when measured
 */
public record SampleRecord(
        int docId,
        String docHash,
        String promptHash,
        int gold,
        int pred,
        int predNorm,
        Map<String, Double> metrics,
        List<Choice> choices,
        double timeMs,
        double prefillMs,
        long tokens,
        List<String> prompts,
        Fidelity fidelity) {

    /** What every reader (summary, compare, diff, report) relies on; a line without it is bad data. */
    public SampleRecord {
        if (metrics == null) throw new IllegalArgumentException("document " + docId + " has no metrics");
        if (choices == null || choices.isEmpty()) throw new IllegalArgumentException("document " + docId + " has no choices");
        if (gold < 0 || gold >= choices.size()) {
            throw new IllegalArgumentException("document " + docId + " has gold " + gold + " of " + choices.size() + " choices");
        }
    }

    /** A record without fidelity measures. */
    public SampleRecord(int docId, String docHash, String promptHash, int gold, int pred, int predNorm,
            Map<String, Double> metrics, List<Choice> choices, double timeMs, double prefillMs, long tokens,
            List<String> prompts) {
        this(docId, docHash, promptHash, gold, pred, predNorm, metrics, choices, timeMs, prefillMs, tokens, prompts, null);
    }

    /** One choice's request and answer. */
    public record Choice(
            String continuation,
            double ll,
            boolean isGreedy,
            int ctxTokens,
            int contTokens,
            int reusedTokens,
            boolean truncated,
            double[] tokenLls,
            double prefillMs,
            double totalMs) {}
}
