package org.meltharness.measure;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The machine and software a run happened on, recorded beside its numbers.
 *
 * @param harnessCommit the git commit the harness was built from, as the launcher passes it
 *     ({@code -Dharness.git.commit}), "unknown" otherwise
 * @param jvmFlags the JVM's input arguments (heap size, vector module, ...), with secrets redacted
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
    /** What replaces a secret's value in the recorded flags. */
    public static final String REDACTED = "<redacted>";
    /**
     * System properties whose names say they hold a secret ({@code -Ddb.password=...},
     * {@code -Dhf.token=...}, {@code -Djavax.net.ssl.keyStorePassword=...}): HARNESS_JAVA_OPTS reaches
     * the manifest, and manifests are shared. Erring towards redacting a harmless key path is cheap.
     */
    private static final Pattern SECRET_PROPERTY = Pattern.compile(
            "(-D[^=]*(?i:pass(word|wd|phrase)?|secret|token|credential|key|auth)[^=]*=).*", Pattern.DOTALL);
    /** user:password@ in a URL anywhere in an argument (a proxy or repository setting). */
    private static final Pattern URL_USERINFO = Pattern.compile("(://)[^/@\\s]+@");

    public static Environment capture() {
        Package pkg = Environment.class.getPackage();
        String version = pkg != null && pkg.getImplementationVersion() != null ? pkg.getImplementationVersion() : "dev";
        return new Environment(
                version,
                System.getProperty("harness.git.commit", "unknown"),
                System.getProperty("java.version"),
                System.getProperty("java.vendor"),
                redact(ManagementFactory.getRuntimeMXBean().getInputArguments()),
                System.getProperty("os.name"),
                System.getProperty("os.version"),
                System.getProperty("os.arch"),
                readCpuModel(),
                java.lang.Runtime.getRuntime().availableProcessors(),
                totalMemory(),
                readHostname());
    }

    /** JVM arguments as the manifest records them: values of secret-looking properties and URL credentials replaced. */
    public static List<String> redact(List<String> jvmArguments) {
        return jvmArguments.stream().map(Environment::redact).toList();
    }

    private static String redact(String argument) {
        var m = SECRET_PROPERTY.matcher(argument);
        if (m.matches()) return m.group(1) + REDACTED;
        return URL_USERINFO.matcher(argument).replaceAll("$1" + REDACTED + "@");
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
