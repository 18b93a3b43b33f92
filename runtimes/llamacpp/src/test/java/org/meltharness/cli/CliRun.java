package org.meltharness.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One in-process run of the {@code harness} command line, as {@code main} would run it. */
record CliRun(int exitCode, String out, String err) {
    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }
}
