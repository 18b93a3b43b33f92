package org.meltharness.score;

import java.util.List;
import java.util.Map;
import org.meltharness.HarnessException;

/** The named {@code process_results} functions task files may use, listed in one place. */
public final class ResultProcessors {
    private static final Map<String, ResultProcessor> BY_NAME = Map.of("mc2", new Mc2());

    private ResultProcessors() {}

    public static ResultProcessor get(String name) {
        ResultProcessor p = BY_NAME.get(name);
        if (p == null) {
            throw HarnessException.badData("unknown process_results '" + name + "'; known: " + List.copyOf(BY_NAME.keySet()));
        }
        return p;
    }
}
