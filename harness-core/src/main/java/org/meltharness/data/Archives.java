package org.meltharness.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.meltharness.HarnessException;

/** Takes one member out of a downloaded zip or tar archive, into place by rename. */
final class Archives {
    private Archives() {}

    static void extract(Path archive, String type, String member, Path target) throws IOException {
        Files.createDirectories(target.toAbsolutePath().getParent());
        Path tmp = target.resolveSibling(target.getFileName() + ".part");
        boolean found = switch (type) {
            case "zip" -> fromZip(archive, member, tmp);
            case "tar" -> fromTar(archive, member, tmp);
            default -> throw new IllegalArgumentException("archive type " + type);
        };
        if (!found) {
            Files.deleteIfExists(tmp);
            throw HarnessException.badData(archive + " has no member " + member);
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static boolean fromZip(Path archive, String member, Path out) throws IOException {
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            ZipEntry e = zip.getEntry(member);
            if (e == null) return false;
            try (InputStream in = zip.getInputStream(e)) {
                Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
            }
            return true;
        }
    }

    private static boolean fromTar(Path archive, String member, Path out) throws IOException {
        try (InputStream raw = Files.newInputStream(archive); TarArchiveInputStream tar = new TarArchiveInputStream(raw)) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                String name = e.getName().startsWith("./") ? e.getName().substring(2) : e.getName();
                if (e.isFile() && name.equals(member)) {
                    Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                    return true;
                }
            }
        }
        return false;
    }
}
