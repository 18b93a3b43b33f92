package org.meltharness.run;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.meltharness.HarnessException;
import org.meltharness.runtime.JvmRestart;

/**
 * Runs the same command again in a JVM started with the options a runtime needs from the start
 * (a narrower vector width for Jlama, say), when the running JVM lacks them.
 *
 * <p>The user's process stays the one that works: the new JVM shares its terminal, its exit code is
 * this process's, a SIGTERM or Ctrl-C of this process stops it and waits for it to save its state,
 * and if this process is killed outright (SIGKILL) the new JVM notices within a tenth of a second
 * and ends too, so no JVM is left behind writing into a run.
 */
public final class JvmRelaunch {
    /** Set on the new JVM: the pid of the JVM that started it and waits for it. */
    public static final String PARENT_PROPERTY = "harness.parent.pid";

    private JvmRelaunch() {}

    /** Whether this JVM was started by {@link #run} (and must not start another). */
    public static boolean isChild() {
        return System.getProperty(PARENT_PROPERTY) != null;
    }

    /** Starts {@code mainClass} with {@code args} again with {@code restart}'s options and returns its exit code. */
    public static int run(JvmRestart restart, String mainClass, String[] args, PrintWriter err) {
        List<String> command = new ArrayList<>(ChildJvm.command(restart.options()));
        command.add("-D" + PARENT_PROPERTY + "=" + ProcessHandle.current().pid());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        err.println("harness: restarting the JVM with " + String.join(" ", restart.options()) + ": " + restart.reason());
        err.flush();
        Process child;
        try {
            child = new ProcessBuilder(command).inheritIO().start();
        } catch (IOException e) {
            throw HarnessException.internal("cannot start a JVM with " + restart.options() + ": " + e.getMessage(), e);
        }
        Thread stop = new Thread(() -> {
            if (!child.isAlive()) return;
            child.destroy(); // SIGTERM: the child marks its run interrupted, as this process would have
            try {
                if (!child.waitFor(30, TimeUnit.SECONDS)) child.destroyForcibly();
            } catch (InterruptedException e) {
                child.destroyForcibly();
            }
        }, "harness-relaunch-stop");
        Runtime.getRuntime().addShutdownHook(stop);
        try {
            int code = child.waitFor();
            Runtime.getRuntime().removeShutdownHook(stop);
            return code;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HarnessException.INTERRUPTED;
        } catch (IllegalStateException e) {
            return HarnessException.INTERRUPTED; // shutting down: the hook stops the child
        }
    }

    /**
     * In a JVM started by {@link #run}: ends this JVM when the one that started it is gone (killed
     * outright, so it could not stop this one), as if the signal had reached this JVM too.
     */
    public static void followParent() {
        String pid = System.getProperty(PARENT_PROPERTY);
        if (pid == null) return;
        long parent;
        try {
            parent = Long.parseLong(pid.strip());
        } catch (NumberFormatException e) {
            return;
        }
        Thread watch = new Thread(() -> {
            while (ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) == parent) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
            // Shutdown hooks (the run's manifest marked interrupted) get two seconds, then the JVM ends regardless.
            Thread halt = new Thread(() -> {
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException ignored) {
                    // halting now
                }
                Runtime.getRuntime().halt(137);
            }, "harness-parent-gone-halt");
            halt.setDaemon(true);
            halt.start();
            System.exit(137);
        }, "harness-parent-watch");
        watch.setDaemon(true);
        watch.start();
    }
}
