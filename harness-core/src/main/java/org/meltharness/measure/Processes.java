package org.meltharness.measure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Runs a short command to completion with a time limit, keeping its exit code and both outputs. */
final class Processes {
    record Result(int exitCode, String stdout, String stderr) {}

    private Processes() {}

    /** Throws IOException when the program cannot be started (not installed) or runs past the limit. */
    static Result run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).start();
        p.getOutputStream().close(); // nothing to say to it: a program that reads stdin sees its end at once
        // Both pipes are drained at once so a chatty stderr cannot block the process on a full pipe.
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s");
        }
        try {
            return new Result(p.exitValue(), out.get(), err.get());
        } catch (ExecutionException e) {
            throw new IOException(e.getCause());
        }
    }

    private static CompletableFuture<String> drain(InputStream in) {
        CompletableFuture<String> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (in) {
                f.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    /** The first non-blank line of a program's output, for a one-line reason. */
    static String firstLine(String... outputs) {
        for (String o : outputs) {
            for (String line : o.split("\n")) {
                if (!line.isBlank()) return line.strip();
            }
        }
        return "";
    }
}
