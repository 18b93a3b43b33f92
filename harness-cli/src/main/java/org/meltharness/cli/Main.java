package org.meltharness.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.meltharness.run.JvmRelaunch;
import org.meltharness.run.ProcessSetup;

/** The {@code harness} command: the only place that calls {@code System.exit}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        ProcessSetup.logging(Cli.wantsVerbose(args));
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        JvmRelaunch.followParent();
        // A JVM started by JvmRelaunch must not start another: it reports a second restart as an error.
        int code = Cli.commandLine(out, err, JvmRelaunch.isChild() ? null : restart -> JvmRelaunch.run(restart, Main.class.getName(), args, err))
                .execute(args);
        out.flush();
        err.flush();
        System.exit(code);
    }
}
