package org.meltharness.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** MLPerf Client's check: the same greedy prompts give the same tokens as the reference run. */
class VerificationTest {

    @Test
    void flagsTurnsWhoseTokensChangedAndWhere() {
        // A warm-up is no reference: the measured turn at the same position is.
        Verification v = new Verification("ref-run", List.of(warm(0, 0, List.of(7)), turn(0, 0, false, List.of(1, 2, 3)),
                turn(0, 1, false, List.of(4, 5))));
        TurnRecord same = v.check(turn(0, 0, false, List.of(1, 2, 3)));
        TurnRecord changed = v.check(turn(0, 1, false, List.of(4, 6)));
        TurnRecord shorter = v.check(turn(0, 1, false, List.of(4)));
        TurnRecord unknown = v.check(turn(3, 0, false, List.of(1)));
        assertFalse(same.changed());
        assertNull(same.firstDifference());
        assertTrue(changed.changed());
        assertEquals(1, changed.firstDifference());
        assertTrue(shorter.changed(), "a different length is a change");
        assertEquals(1, shorter.firstDifference());
        assertNull(unknown.changed(), "a position the reference lacks is not compared");

        Verification.Result r = v.result(List.of(same, changed, shorter, unknown));
        assertEquals(3, r.compared());
        assertEquals(2, r.changed());
        assertEquals(1, r.missing());
        assertEquals(List.of("chat/0/1#0@1", "chat/0/1#0@1"), r.changedTurns());
        assertEquals("ref-run", r.referenceRun());
    }

    @Test
    void firstDifference() {
        assertEquals(-1, Verification.firstDifference(List.of(1, 2), List.of(1, 2)));
        assertEquals(0, Verification.firstDifference(List.of(1, 2), List.of(2, 2)));
        assertEquals(2, Verification.firstDifference(List.of(1, 2), List.of(1, 2, 3)));
        assertEquals(-1, Verification.firstDifference(List.of(), List.of()));
    }

    private static TurnRecord turn(int conversation, int turn, boolean warmup, List<Integer> tokens) {
        TurnMetrics m = new TurnMetrics(3, tokens.size(), 1.0, null, null, null, null, null, 1, null);
        return new TurnRecord("chat", conversation, turn, 0, warmup, 0, m, "max_tokens", null, null, tokens, null, null);
    }

    private static TurnRecord warm(int conversation, int turn, List<Integer> tokens) {
        return turn(conversation, turn, true, tokens);
    }
}
