package org.meltharness.run;

import java.time.Instant;
import org.meltharness.results.RunManifest;
import org.meltharness.results.RunStatus;
import org.meltharness.results.RunStore;

/**
 * Marks a run {@code interrupted} in its manifest when the JVM is stopped (Ctrl-C, kill) before
 * the run finished, or {@code failed} when the command reports an error, so that {@code --resume}
 * and reports know; the samples written so far are already safe on disk.
 */
public final class RunGuard {
    private final RunStore store;
    private final RunManifest manifest;
    private final String started = Instant.now().toString();
    private final java.io.PrintWriter err;
    private final Thread hook;
    private final String hint;
    private boolean finished;

    private RunGuard(RunStore store, RunManifest manifest, java.io.PrintWriter err, String hint) {
        this.store = store;
        this.manifest = manifest;
        this.err = err;
        this.hint = hint;
        this.hook = new Thread(this::interrupted, "harness-run-guard");
    }

    public static RunGuard install(RunStore store, RunManifest manifest, java.io.PrintWriter err) {
        return install(store, manifest, err, null);
    }

    /** @param hint what to tell the user on interruption instead of eval's resume command */
    public static RunGuard install(RunStore store, RunManifest manifest, java.io.PrintWriter err, String hint) {
        RunGuard g = new RunGuard(store, manifest, err, hint);
        Runtime.getRuntime().addShutdownHook(g.hook);
        return g;
    }

    /** Writes the final manifest; after this the hook does nothing. */
    public synchronized void finish(RunManifest complete) {
        if (complete != null) store.writeManifest(complete);
        finished = true;
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down; the hook sees finished and leaves the manifest alone.
        }
    }

    /**
     * Marks the run {@code failed} (an error, not a signal: the message is the caller's to print);
     * after this the hook does nothing.
     */
    public synchronized void fail() {
        if (finished) return;
        store.writeManifest(manifest.withStatus(RunStatus.FAILED)
                .withSegment(new RunManifest.Segment(started, Instant.now().toString(), -1, RunStatus.FAILED)));
        finish(null);
    }

    private synchronized void interrupted() {
        if (finished) return;
        store.writeManifest(manifest.withStatus(RunStatus.INTERRUPTED)
                .withSegment(new RunManifest.Segment(started, Instant.now().toString(), -1, RunStatus.INTERRUPTED)));
        err.println();
        if (hint != null) {
            err.println("harness: interrupted; " + hint);
        } else {
            err.println("harness: interrupted; finished documents are saved; continue with: ./harness eval --resume "
                    + store.runId() + " --output " + store.dir().getParent());
        }
        err.flush();
    }
}
