package org.meltharness.task;

import java.util.Map;

/** Rewrites one document before its prompt is built; a task names one with {@code process_docs}. */
@FunctionalInterface
public interface DocProcessor {
    Map<String, Object> process(Map<String, Object> doc);
}
