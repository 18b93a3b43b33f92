package org.meltharness.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.meltharness.command.HarnessCommandLine;

/**
 * One in-process run of the {@code harness} command line, as {@code main} would run it: the one CLI
 * runner of every module's tests (the command line itself comes from harness-cli, on their test class path).
 */
public record CliRun(int exitCode, String out, String err) {
    public static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = HarnessCommandLine.find().execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new CliRun(code, out.toString(), err.toString());
    }
}
