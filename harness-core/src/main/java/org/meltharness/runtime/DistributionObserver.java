package org.meltharness.runtime;

/**
 * Sees the model's whole next-token distribution at every scored position, so that fidelity
 * measures (top-k of a reference, KL divergence, top-1 agreement) need no logits stored.
 */
@FunctionalInterface
public interface DistributionObserver {
    /**
     * @param request the request's index in the call's list (calls may visit requests in any order)
     * @param position the continuation token's index within its continuation
     * @param target that continuation token
     * @param logits the raw logits predicting it; reused after the call returns
     */
    void observe(int request, int position, int target, float[] logits);
}
