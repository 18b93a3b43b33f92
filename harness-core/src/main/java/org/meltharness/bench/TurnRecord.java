package org.meltharness.bench;

import java.util.List;

/**
 * One generation of a bench run, a line of {@code samples-bench.jsonl}, written as it finishes.
 *
 * @param kind {@code chat} (a conversation turn), {@code pp} or {@code tg} (llama-bench's synthetic tests)
 * @param repetition the pass over the workload; warm-up runs count their own from 0
 * @param startSeconds when the call began, seconds after sampling began
 * @param startCelsius the hottest thermal zone just before the call, null without sensors
 * @param tokens the output token ids, for verifying a later run against this one
 * @param changed whether the output differs from the reference run's (null when not verifying)
 * @param firstDifference index of the first output token that differs from the reference's
 */
public record TurnRecord(
        String kind,
        int conversation,
        int turn,
        int repetition,
        boolean warmup,
        double startSeconds,
        TurnMetrics metrics,
        String finishReason,
        Double startCelsius,
        Double endCelsius,
        List<Integer> tokens,
        Boolean changed,
        Integer firstDifference) {

    public TurnRecord {
        tokens = tokens == null ? List.of() : List.copyOf(tokens);
    }

    /** What identifies the same generation across runs and repetitions. */
    public String position() {
        return kind + "/" + conversation + "/" + turn;
    }

    public TurnRecord withVerification(Boolean isChanged, Integer firstDiff) {
        return new TurnRecord(kind, conversation, turn, repetition, warmup, startSeconds, metrics, finishReason, startCelsius,
                endCelsius, tokens, isChanged, firstDiff);
    }
}
