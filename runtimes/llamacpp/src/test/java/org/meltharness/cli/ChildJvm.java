package org.meltharness.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a main class in a fresh JVM on this test's class path, for what one JVM cannot show twice. */
record ChildJvm(int exitCode, String out, String err, boolean finished) {
    /** The JVM flag that points a child at the tests' shared copy of the pinned llama.cpp. */
    static String llamaCppCache() {
        String key = org.meltharness.runtime.llamacpp.build.LibrarySource.CACHE_PROPERTY;
        return "-D" + key + "=" + System.getProperty(key, "");
    }

    static ChildJvm run(long timeoutSeconds, List<String> jvmArgs, String mainClass, String... args)
            throws IOException, InterruptedException {
        return run(timeoutSeconds, java.util.Map.of(), jvmArgs, mainClass, args);
    }

    /** As {@link #run(long, List, String, String...)}, with {@code env} added to the child's environment. */
    static ChildJvm run(long timeoutSeconds, java.util.Map<String, String> env, List<String> jvmArgs, String mainClass,
            String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        var out = p.getInputStream();
        var err = p.getErrorStream();
        boolean finished = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!finished) p.destroyForcibly().waitFor();
        return new ChildJvm(finished ? p.exitValue() : -1, new String(out.readAllBytes(), StandardCharsets.UTF_8),
                new String(err.readAllBytes(), StandardCharsets.UTF_8), finished);
    }
}
