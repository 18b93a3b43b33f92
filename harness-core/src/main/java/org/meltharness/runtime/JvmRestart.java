package org.meltharness.runtime;

import java.util.List;

/**
 * JVM options a runtime needs from the JVM's start for one model on this machine, which the running
 * JVM lacks, and why (said to the user when the harness restarts itself with them).
 */
public record JvmRestart(List<String> options, String reason) {
    public JvmRestart {
        options = List.copyOf(options);
    }
}
