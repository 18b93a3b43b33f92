package org.meltharness.results;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where a run stands, as its manifest records it (and a segment, why that process stopped working on it). */
public enum RunStatus {
    /** A process is working on it, or was killed outright (SIGKILL) while it did. */
    RUNNING,
    /** Every document (or turn) is done and the summary written. */
    COMPLETE,
    /** Stopped by a signal (Ctrl-C, kill); {@code --resume} continues it. */
    INTERRUPTED,
    /** Stopped by an error; the documents finished before it are kept. */
    FAILED;

    /** The lower-case word manifests have always held. */
    @JsonValue
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return word();
    }
}
