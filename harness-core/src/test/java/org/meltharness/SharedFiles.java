package org.meltharness;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code ../shared} folder beside the checkout: real models and datasets that tests use.
 * Surefire passes it as {@code harness.shared}; it is always there, so tests on it never skip.
 */
public final class SharedFiles {
    private SharedFiles() {}

    public static Path root() {
        String prop = System.getProperty("harness.shared");
        Path p = prop != null ? Path.of(prop) : Path.of("..", "shared");
        if (!Files.isDirectory(p)) p = Path.of("..", "..", "shared");
        if (!Files.isDirectory(p)) throw new IllegalStateException("../shared not found (harness.shared=" + prop + ")");
        return p.toAbsolutePath().normalize();
    }

    public static Path stories260k() {
        return root().resolve("models/stories260K/hf");
    }

    public static Path stories260kPad192() {
        return root().resolve("models/stories260K/hf-pad192");
    }

    public static Path datasets() {
        return root().resolve("datasets");
    }
}
