package org.meltharness.measure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The fixture trees under {@code src/test/resources/measure}, copied so a test may rewrite them. */
final class Fixtures {
    private Fixtures() {}

    static Path resource(String name) {
        var url = Fixtures.class.getResource("/measure/" + name);
        if (url == null) throw new IllegalStateException("no fixture measure/" + name);
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A writable copy of fixture {@code name} inside {@code dir}. */
    static Path copy(String name, Path dir) {
        Path from = resource(name);
        Path to = dir.resolve(name);
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return to;
    }

    static void write(Path file, Object value) {
        try {
            Files.writeString(file, value + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
