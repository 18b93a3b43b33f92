package org.meltharness.devices;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** A folder of classes as a jar with fixed entry times and order, so the same classes give the same bytes (and sha256). */
final class Jars {
    private static final long EPOCH_1980 = 315532800000L;

    private Jars() {}

    static Path pack(Path dir) throws IOException {
        Path jar = Files.createTempFile("harness-classes", ".jar");
        jar.toFile().deleteOnExit();
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(p -> !p.equals(dir)).sorted().toList();
        }
        try (OutputStream o = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(o)) {
            for (Path f : files) {
                String name = dir.relativize(f).toString().replace('\\', '/') + (Files.isDirectory(f) ? "/" : "");
                ZipEntry e = new ZipEntry(name);
                e.setTime(EPOCH_1980);
                zip.putNextEntry(e);
                if (Files.isRegularFile(f)) Files.copy(f, zip);
                zip.closeEntry();
            }
        }
        return jar;
    }
}
