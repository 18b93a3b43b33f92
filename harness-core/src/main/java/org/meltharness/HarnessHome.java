package org.meltharness;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The checkout the harness runs from: where the built-in model ({@code models/}) lives, and beside
 * which a {@code shared/} folder of test data may sit. {@code ./harness} says it with
 * {@code -Dharness.home}; otherwise (tests, an IDE) it is found from where this class was loaded.
 */
public final class HarnessHome {
    private HarnessHome() {}

    public static Optional<Path> find() {
        Optional<Path> declared = declared();
        if (declared.isPresent()) return declared;
        try {
            var source = HarnessHome.class.getProtectionDomain().getCodeSource();
            if (source == null) return Optional.empty();
            // .../<checkout>/harness-core/target/classes, or .../harness-core/target/harness-*.jar
            for (Path p = Path.of(source.getLocation().toURI()).toAbsolutePath(); p != null; p = p.getParent()) {
                if (Files.isRegularFile(p.resolve("pom.xml")) && Files.isDirectory(p.resolve("harness-core"))) return Optional.of(p);
            }
        } catch (URISyntaxException | SecurityException | java.nio.file.FileSystemNotFoundException e) {
            // not loaded from files: no checkout to speak of
        }
        return Optional.empty();
    }

    /** The checkout {@code ./harness} ran from ({@code -Dharness.home}), or empty in a JVM started otherwise. */
    public static Optional<Path> declared() {
        String home = System.getProperty("harness.home");
        if (home == null || home.isBlank()) return Optional.empty();
        return Optional.of(Path.of(home).toAbsolutePath().normalize());
    }
}
