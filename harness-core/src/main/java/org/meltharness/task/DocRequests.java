package org.meltharness.task;

import java.util.List;
import java.util.Map;

/**
 * One document turned into what the model is asked: one (context, continuation) request per
 * choice, with the gold choice.
 *
 * @param doc the document after {@code process_docs}
 * @param choices the choice texts (for multiple-input tasks, the per-choice contexts' fills)
 * @param gold the index of the correct choice
 * @param multipleInput whether the choices vary the context rather than the continuation
 *     (Winogrande's partial evaluation)
 */
public record DocRequests(
        int docId, Map<String, Object> doc, List<Request> requests, List<String> choices, int gold,
        boolean multipleInput) {

    public DocRequests {
        requests = List.copyOf(requests);
        choices = List.copyOf(choices);
    }

    /** Score {@code continuation} given {@code context}. */
    public record Request(String context, String continuation) {}
}
