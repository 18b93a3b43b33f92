package org.meltharness.task;

import java.util.List;
import java.util.Map;
import org.meltharness.HarnessException;

/**
 * The named document processors task files may use. One explicit map rather than lm-eval's
 * {@code !function} hooks: task files stay data, and the code they can reach is listed here.
 */
public final class DocProcessors {
    private static final Map<String, DocProcessor> BY_NAME = Map.of(
            "hellaswag", new HellaswagProcessor(),
            "winogrande", new WinograndeProcessor());

    private DocProcessors() {}

    public static DocProcessor get(String name) {
        DocProcessor p = BY_NAME.get(name);
        if (p == null) {
            throw HarnessException.badData("unknown process_docs '" + name + "'; known: " + List.copyOf(BY_NAME.keySet()));
        }
        return p;
    }
}
