package org.meltharness.run;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The start of a command line for a new JVM like this one: its java, its flags, then any more. */
public final class ChildJvm {
    private ChildJvm() {}

    /**
     * This JVM's java and flags, then {@code more}. Its own {@link JvmRelaunch#PARENT_PROPERTY} is
     * left out: the new JVM's parent is this one, not the process that started this one.
     */
    public static List<String> command(List<String> more) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-D" + JvmRelaunch.PARENT_PROPERTY + "=")) command.add(a);
        }
        command.addAll(more);
        return command;
    }
}
