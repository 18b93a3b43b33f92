package org.meltharness.results;

import java.util.List;

/**
 * A reference run's distributions for one document, a line of {@code topk-<task>.jsonl}: for each
 * choice and each scored continuation token, the k most likely tokens with their log-probs and
 * the token that was scored. Kept instead of full logits so that a reference stays megabytes.
 */
public record TopkRecord(int docId, List<List<Position>> choices) {

    /** One scored position: {@code ids} in decreasing probability, {@code logprobs} beside them. */
    public record Position(int target, double targetLogprob, int[] ids, float[] logprobs) {}
}
