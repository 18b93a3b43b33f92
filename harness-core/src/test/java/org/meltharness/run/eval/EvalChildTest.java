package org.meltharness.run.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What other code knows of the child eval JVM by name only. */
class EvalChildTest {
    @Test
    void itsMainClassIsTheOneRunLockNamesAsAnEval() {
        // RunLock (results, below this package) tells which process holds a run folder from the JVM's main class name.
        assertEquals("org.meltharness.run.eval.EvalChild", EvalChild.class.getName());
    }
}
