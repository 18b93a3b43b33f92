package org.meltharness.runtime;

import org.meltharness.HarnessException;

/**
 * Thrown before anything is loaded or written when the running JVM lacks options the chosen runtime
 * needs from its start; the command line's entry point restarts the JVM with them, and anything else
 * reports it as one line.
 */
public final class JvmRestartNeeded extends HarnessException {
    private final JvmRestart restart;

    public JvmRestartNeeded(JvmRestart restart) {
        super(UNSUPPORTED_MODEL, "this JVM must start with " + String.join(" ", restart.options()) + " (" + restart.reason()
                + "); ./harness restarts itself with it, a JVM started otherwise needs it on its command line");
        this.restart = restart;
    }

    public JvmRestart restart() {
        return restart;
    }
}
