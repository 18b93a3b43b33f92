package org.meltharness.runtime.llamacpp.build;

import java.util.Locale;

/**
 * The platform as node-llama-cpp names its packages ({@code linux-x64}, {@code linux-arm64},
 * {@code mac-arm64}, ...). The system property {@value #PROPERTY} overrides it, so that the refusal
 * on a platform without a pinned build can be tested on any machine.
 */
public final class Platform {
    public static final String PROPERTY = "harness.llamacpp.platform";

    private Platform() {}

    public static String current() {
        String forced = System.getProperty(PROPERTY);
        if (forced != null && !forced.isBlank()) return forced.strip();
        return os() + "-" + arch();
    }

    /** The JVM's own words for it, for messages. */
    public static String describe() {
        return current() + " (os.name=" + System.getProperty("os.name") + ", os.arch=" + System.getProperty("os.arch") + ")";
    }

    private static String os() {
        String name = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (name.contains("linux")) return "linux";
        if (name.contains("mac") || name.contains("darwin")) return "mac";
        if (name.contains("windows")) return "win";
        return name.replace(' ', '_');
    }

    private static String arch() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "amd64", "x86_64", "x64" -> "x64";
            case "aarch64", "arm64" -> "arm64";
            default -> arch;
        };
    }
}
