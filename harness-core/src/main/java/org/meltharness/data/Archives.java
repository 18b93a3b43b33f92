package org.meltharness.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.meltharness.HarnessException;

/**
 * Takes one member out of a downloaded zip, tar or tar.gz archive, into place by rename, refusing
 * a member larger than it may be: an archive without a checksum of its own (winogrande's zip,
 * MMLU's tar) is vouched for only by its members' hashes, which run after extraction, and a
 * replaced archive could otherwise fill the disk first.
 */
final class Archives {
    static final List<String> TYPES = List.of("zip", "tar", "tar.gz");

    private Archives() {}

    /**
     * Fails with a one-line {@link HarnessException} when the member is absent, larger than
     * {@code maxBytes}, or the archive unreadable.
     */
    static void extract(Path archive, String type, String member, Path target, long maxBytes) {
        Path tmp = target.resolveSibling(target.getFileName() + ".part");
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            boolean found = switch (type) {
                case "zip" -> fromZip(archive, member, tmp, maxBytes);
                case "tar", "tar.gz" -> fromTar(archive, member, tmp, maxBytes);
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

    private static boolean fromZip(Path archive, String member, Path out, long maxBytes) throws IOException {
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            ZipEntry e = zip.getEntry(member);
            if (e == null || e.isDirectory()) return false;
            if (e.getSize() > maxBytes) throw tooLarge(archive, member, maxBytes); // as the archive declares it
            try (InputStream in = zip.getInputStream(e)) {
                copyAtMost(in, out, maxBytes, archive, member); // as it inflates: the declaration may lie
            }
            return true;
        }
    }

    private static boolean fromTar(Path archive, String member, Path out, long maxBytes) throws IOException {
        try (BufferedInputStream raw = new BufferedInputStream(Files.newInputStream(archive), 1 << 16);
                TarArchiveInputStream tar = new TarArchiveInputStream(gunzipIfCompressed(raw))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                String name = e.getName().startsWith("./") ? e.getName().substring(2) : e.getName();
                if (e.isFile() && name.equals(member)) {
                    if (e.getSize() > maxBytes) throw tooLarge(archive, member, maxBytes);
                    copyAtMost(tar, out, maxBytes, archive, member);
                    return true;
                }
            }
        }
        return false;
    }

    /** Copies until the end, or fails once more than {@code maxBytes} came (a plain loop: the count is the point). */
    private static void copyAtMost(InputStream in, Path out, long maxBytes, Path archive, String member) throws IOException {
        try (OutputStream o = Files.newOutputStream(out)) {
            byte[] buf = new byte[1 << 16];
            long done = 0;
            int n;
            while ((n = in.read(buf)) >= 0) {
                done += n;
                if (done > maxBytes) throw tooLarge(archive, member, maxBytes);
                o.write(buf, 0, n);
            }
        }
    }

    private static HarnessException tooLarge(Path archive, String member, long maxBytes) {
        return HarnessException.badData(member + " in " + archive + " is larger than " + maxBytes + " bytes, the most it may have; "
                + "not extracted (the archive changed upstream?)");
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
