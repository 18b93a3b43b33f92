package org.meltharness.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * Runs one harness command and returns from {@code main} without {@code System.exit}: the JVM ends
 * only if the command left no non-daemon thread behind. Prints the exit code it would have used.
 */
public final class ReturnFromMain {
    private ReturnFromMain() {}

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int code = Cli.commandLine(out, err).execute(args);
        out.println();
        out.println("exit " + code);
        out.flush();
    }
}
