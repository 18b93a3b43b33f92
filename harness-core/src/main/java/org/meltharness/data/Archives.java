package org.meltharness.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.meltharness.HarnessException;

/** Takes one member out of a downloaded zip, tar or tar.gz archive, into place by rename. */
final class Archives {
    static final List<String> TYPES = List.of("zip", "tar", "tar.gz");

    private Archives() {}

    /** Fails with a one-line {@link HarnessException} when the member is absent or the archive unreadable. */
    static void extract(Path archive, String type, String member, Path target) {
        Path tmp = target.resolveSibling(target.getFileName() + ".part");
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            boolean found = switch (type) {
                case "zip" -> fromZip(archive, member, tmp);
                case "tar", "tar.gz" -> fromTar(archive, member, tmp);
                default -> throw new IllegalArgumentException("archive type " + type);
            };
            if (!found) throw HarnessException.badData(archive + " has no member " + member);
            org.meltharness.io.AtomicFiles.moveIntoPlace(tmp, target);
        } catch (IOException e) {
            throw HarnessException.badData("cannot extract " + member + " from " + archive + ": " + e.getMessage());
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // a leftover .part is overwritten by the next extraction
            }
        }
    }

    private static boolean fromZip(Path archive, String member, Path out) throws IOException {
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            ZipEntry e = zip.getEntry(member);
            if (e == null || e.isDirectory()) return false;
            try (InputStream in = zip.getInputStream(e)) {
                Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
            }
            return true;
        }
    }

    private static boolean fromTar(Path archive, String member, Path out) throws IOException {
        try (BufferedInputStream raw = new BufferedInputStream(Files.newInputStream(archive), 1 << 16);
                TarArchiveInputStream tar = new TarArchiveInputStream(gunzipIfCompressed(raw))) {
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

    /** By magic bytes, not by the manifest's word: "data.tar"-style names are sometimes gzipped. */
    private static InputStream gunzipIfCompressed(BufferedInputStream in) throws IOException {
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        return b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(in, 1 << 16) : in;
    }
}
