package org.meltharness.runtime;

/**
 * The answer to one {@link LoglikelihoodRequest} and what it cost.
 *
 * @param logLikelihood sum of the continuation tokens' log-probabilities (natural log)
 * @param greedy whether every continuation token was the arg-max of its distribution
 * @param tokenLogprobs the log-probability of each continuation token
 * @param contextTokens tokens of the context as fed to the model (after any truncation)
 * @param continuationTokens tokens of the continuation
 * @param reusedTokens leading tokens whose state was reused from an earlier request
 * @param truncated whether the pair was cut from the left to fit the model's window
 * @param prefillNanos time spent on this request's context tokens
 * @param totalNanos time spent on this request in all
 */
public record LoglikelihoodResult(
        double logLikelihood,
        boolean greedy,
        double[] tokenLogprobs,
        int contextTokens,
        int continuationTokens,
        int reusedTokens,
        boolean truncated,
        long prefillNanos,
        long totalNanos) {}
