package org.meltharness.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** The {@code harness} command: the only place that calls {@code System.exit}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        // Engines log through SLF4J; keep them to warnings unless --verbose asks for more.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", Cli.wantsVerbose(args) ? "info" : "warn"));
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        // DJL warns about CUDA on every start of a CPU-only machine.
        System.setProperty("org.slf4j.simpleLogger.log.ai.djl", System.getProperty("org.slf4j.simpleLogger.log.ai.djl", "error"));
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        JvmRelaunch.followParent();
        // A JVM started by JvmRelaunch must not start another: it reports a second restart as an error.
        int code = Cli.commandLine(out, err, JvmRelaunch.isChild() ? null : restart -> JvmRelaunch.run(restart, args, err))
                .execute(args);
        out.flush();
        err.flush();
        System.exit(code);
    }
}
