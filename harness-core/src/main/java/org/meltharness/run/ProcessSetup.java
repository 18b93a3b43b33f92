package org.meltharness.run;

/** What every harness JVM sets before it loads an engine: where engine logs go and how much of them. */
public final class ProcessSetup {
    private ProcessSetup() {}

    /** Engines log through SLF4J: to stderr, warnings only unless {@code verbose}; DJL's CUDA warning on CPU-only machines is dropped. */
    public static void logging(boolean verbose) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn"));
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        System.setProperty("org.slf4j.simpleLogger.log.ai.djl", System.getProperty("org.slf4j.simpleLogger.log.ai.djl", "error"));
    }
}
