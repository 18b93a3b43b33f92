package org.meltharness.run.eval;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.meltharness.Failure;
import org.meltharness.HarnessException;
import org.meltharness.io.AtomicFiles;
import org.meltharness.io.Json;
import org.meltharness.run.ChildJvm;
import org.meltharness.run.JvmRelaunch;
import org.meltharness.run.ProcessSetup;
import org.meltharness.runtime.JvmRestartNeeded;

/**
 * An eval in a JVM of its own, so that its peak memory, load time and JIT warm-up are its own and
 * not inherited from runs before it: the request goes to the child in a file, and the child writes
 * its result to a file it is given (nothing is read from its output). The child's notices and
 * progress go to this process's stderr.
 */
public final class EvalChild {
    private EvalChild() {}

    /** Runs {@code request} in a new JVM and returns its result; {@code what} names the run in errors. */
    public static EvalResult run(EvalRequest request, String what) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("harness-eval-");
            Path in = dir.resolve("request.json");
            Path out = dir.resolve("result.json");
            AtomicFiles.write(in, Json.pretty(request));
            List<String> command = ChildJvm.command(List.of("-cp", System.getProperty("java.class.path"), EvalChild.class.getName(),
                    in.toString(), out.toString()));
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            // The child is this command's work: when this JVM is stopped, so is the child, and it marks its run interrupted.
            Thread stop = new Thread(() -> stop(p), "harness-child-eval-stop");
            Runtime.getRuntime().addShutdownHook(stop);
            int code = p.waitFor();
            Runtime.getRuntime().removeShutdownHook(stop);
            if (code != 0) throw new HarnessException(code, what + " failed (see above)");
            if (!Files.isRegularFile(out)) throw HarnessException.internal(what + " wrote no result", null);
            return Json.read(Files.readString(out), EvalResult.class);
        } catch (IOException e) {
            throw HarnessException.io("cannot run " + what + " in a new JVM: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw HarnessException.interrupted("interrupted during " + what);
        } catch (IllegalStateException e) {
            throw HarnessException.interrupted("interrupted during " + what); // shutting down: the hook stops the child
        } finally {
            if (dir != null) deleteQuietly(dir);
        }
    }

    /** The child's entry point: {@code request.json result.json}. */
    public static void main(String[] args) {
        ProcessSetup.logging(false);
        JvmRelaunch.followParent();
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int code;
        try {
            EvalRequest request = Json.read(Files.readString(Path.of(args[0])), EvalRequest.class);
            EvalResult result = new EvalService(err).run(request);
            AtomicFiles.write(Path.of(args[1]), Json.pretty(result));
            code = 0;
        } catch (JvmRestartNeeded r) {
            code = JvmRelaunch.isChild() ? report(err, r) : JvmRelaunch.run(r.restart(), EvalChild.class.getName(), args, err);
        } catch (Throwable t) {
            code = report(err, t);
        }
        err.flush();
        System.exit(code);
    }

    private static int report(PrintWriter err, Throwable t) {
        Failure f = Failure.of(t);
        err.println("harness: " + f.message());
        if (f.internal()) t.printStackTrace(err);
        return f.exitCode();
    }

    private static void stop(Process p) {
        if (!p.isAlive()) return;
        p.destroy();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
        } catch (InterruptedException e) {
            p.destroyForcibly();
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) Files.deleteIfExists(f);
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a temporary folder left behind is no reason to fail the run
        }
    }
}
