package org.meltharness.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.HarnessException;

/** Members come out of zip and tar archives whole, or not at all when larger than they may be (before any checksum runs). */
class ArchivesTest {
    private static final byte[] BIG = new byte[1 << 20]; // zeros: a megabyte that compresses to almost nothing

    @TempDir
    Path dir;

    private static byte[] zip(byte[] content) throws Exception {
        var bytes = new ByteArrayOutputStream();
        try (var z = new ZipOutputStream(bytes)) {
            z.putNextEntry(new ZipEntry("data/m.jsonl"));
            z.write(content);
        }
        return bytes.toByteArray();
    }

    private static byte[] tarGz(byte[] content) throws Exception {
        var bytes = new ByteArrayOutputStream();
        try (var t = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
            TarArchiveEntry e = new TarArchiveEntry("data/m.jsonl");
            e.setSize(content.length);
            t.putArchiveEntry(e);
            t.write(content);
            t.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    private void assertRefused(Path archive, String type) {
        Path target = dir.resolve("out/m.jsonl");
        var e = assertThrows(HarnessException.class, () -> Archives.extract(archive, type, "data/m.jsonl", target, 65_536));
        assertEquals(HarnessException.BAD_DATA, e.exitCode());
        assertTrue(e.getMessage().startsWith("data/m.jsonl in " + archive + " is larger than 65536 bytes, the most it may have"),
                e.getMessage());
        assertFalse(Files.exists(target));
        assertFalse(Files.exists(dir.resolve("out/m.jsonl.part")), "nothing half-extracted is left");
    }

    @Test
    void aMemberWithinItsLimitIsExtracted() throws Exception {
        byte[] small = "{\"a\":1}\n".getBytes();
        Path z = Files.write(dir.resolve("a.zip"), zip(small));
        Archives.extract(z, "zip", "data/m.jsonl", dir.resolve("z/m.jsonl"), small.length);
        assertArrayEquals(small, Files.readAllBytes(dir.resolve("z/m.jsonl")));
        Path t = Files.write(dir.resolve("a.tar.gz"), tarGz(small));
        Archives.extract(t, "tar.gz", "data/m.jsonl", dir.resolve("t/m.jsonl"), small.length);
        assertArrayEquals(small, Files.readAllBytes(dir.resolve("t/m.jsonl")));
    }

    @Test
    void aMemberLargerThanItsLimitIsRefused() throws Exception {
        assertRefused(Files.write(dir.resolve("a.zip"), zip(BIG)), "zip");
        assertRefused(Files.write(dir.resolve("a.tar.gz"), tarGz(BIG)), "tar.gz");
    }

    @Test
    void aZipThatUnderstatesItsMemberIsStoppedAsItInflates() throws Exception {
        byte[] z = zip(BIG);
        // The central directory's "uncompressed size" (offset 24 of its entry) now says 100 bytes.
        ByteBuffer b = ByteBuffer.wrap(z).order(ByteOrder.LITTLE_ENDIAN);
        int cen = -1;
        for (int i = z.length - 46; i >= 0 && cen < 0; i--) if (b.getInt(i) == 0x02014b50) cen = i;
        assertTrue(cen > 0);
        b.putInt(cen + 24, 100);
        Path archive = Files.write(dir.resolve("lying.zip"), z);
        assertEquals(100, new java.util.zip.ZipFile(archive.toFile()).getEntry("data/m.jsonl").getSize(), "the lie is in place");
        assertRefused(archive, "zip");
    }
}
