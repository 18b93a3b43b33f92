package org.meltharness.runtime;

import java.util.Objects;

/** Score {@code continuation} given {@code context}; the continuation carries its own leading delimiter. */
public record LoglikelihoodRequest(String context, String continuation) {
    public LoglikelihoodRequest {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(continuation, "continuation");
    }
}
