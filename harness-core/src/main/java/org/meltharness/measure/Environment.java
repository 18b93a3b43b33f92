package org.meltharness.measure;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The machine and software a run happened on, recorded beside its numbers.
 *
 * @param harnessCommit the git commit the harness was built from, as the launcher passes it
 *     ({@code -Dharness.git.commit}), "unknown" otherwise
 * @param jvmFlags the JVM's input arguments (heap size, vector module, ...)
 */
public record Environment(
        String harnessVersion,
        String harnessCommit,
        String javaVersion,
        String javaVendor,
        List<String> jvmFlags,
        String os,
        String osVersion,
        String arch,
        String cpuModel,
        int cpus,
        long memoryBytes,
        String hostname) {

    public static Environment capture() {
        Package pkg = Environment.class.getPackage();
        String version = pkg != null && pkg.getImplementationVersion() != null ? pkg.getImplementationVersion() : "dev";
        return new Environment(
                version,
                System.getProperty("harness.git.commit", "unknown"),
                System.getProperty("java.version"),
                System.getProperty("java.vendor"),
                List.copyOf(ManagementFactory.getRuntimeMXBean().getInputArguments()),
                System.getProperty("os.name"),
                System.getProperty("os.version"),
                System.getProperty("os.arch"),
                readCpuModel(),
                java.lang.Runtime.getRuntime().availableProcessors(),
                totalMemory(),
                readHostname());
    }

    private static String readCpuModel() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.isReadable(cpuinfo)) {
            try {
                for (String line : Files.readAllLines(cpuinfo)) {
                    if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
                }
            } catch (IOException e) {
                return "unknown";
            }
        }
        return System.getProperty("os.arch");
    }

    private static long totalMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return -1;
    }

    private static String readHostname() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) return env;
        try {
            Path etc = Path.of("/etc/hostname");
            if (Files.isReadable(etc)) return Files.readString(etc).strip();
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
