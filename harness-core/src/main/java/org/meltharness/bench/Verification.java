package org.meltharness.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * MLPerf Client's output check: greedy decoding of the same prompts must give the same tokens, so
 * each turn is compared with the reference run's first measured turn at the same position.
 */
public final class Verification {
    private final Map<String, List<Integer>> reference = new HashMap<>();
    private final String referenceRun;

    /** @param referenceTurns the reference run's samples; warm-up turns are ignored */
    public Verification(String referenceRun, List<TurnRecord> referenceTurns) {
        this.referenceRun = referenceRun;
        for (TurnRecord r : referenceTurns) {
            if (!r.warmup()) reference.putIfAbsent(r.position(), r.tokens());
        }
    }

    public String referenceRun() {
        return referenceRun;
    }

    /** The turn with {@code changed} and {@code firstDifference} set; unchanged when the reference lacks its position. */
    public TurnRecord check(TurnRecord turn) {
        List<Integer> ref = reference.get(turn.position());
        if (ref == null) return turn;
        int diff = firstDifference(ref, turn.tokens());
        return turn.withVerification(diff >= 0, diff >= 0 ? diff : null);
    }

    /** The first index where the two differ (a length difference counts), or -1 when equal. */
    public static int firstDifference(List<Integer> a, List<Integer> b) {
        int n = Math.min(a.size(), b.size());
        for (int i = 0; i < n; i++) {
            if (!a.get(i).equals(b.get(i))) return i;
        }
        return a.size() == b.size() ? -1 : n;
    }

    /** What the check found over a run. */
    public record Result(String referenceRun, int compared, int changed, int missing, List<String> changedTurns) {
        public Result {
            changedTurns = List.copyOf(changedTurns);
        }
    }

    /** Tallies the checked measured turns of a run. */
    public Result result(List<TurnRecord> checked) {
        int compared = 0;
        int changed = 0;
        int missing = 0;
        java.util.List<String> which = new java.util.ArrayList<>();
        for (TurnRecord t : checked) {
            if (t.warmup()) continue;
            if (t.changed() == null) {
                missing++;
                continue;
            }
            compared++;
            if (t.changed()) {
                changed++;
                which.add(t.position() + "#" + t.repetition() + "@" + t.firstDifference());
            }
        }
        return new Result(referenceRun, compared, changed, missing, which);
    }
}
