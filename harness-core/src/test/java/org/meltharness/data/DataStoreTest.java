package org.meltharness.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.HarnessException;
import org.meltharness.SharedFiles;
import org.meltharness.results.Hashing;

/** Finding, downloading, checking and reading splits, with manifests pointing at a loopback server. */
class DataStoreTest {
    private static final String ARC_LINE = "{\"id\":\"q%d\",\"question\":{\"stem\":\"Q%d?\",\"choices\":[{\"text\":\"a\",\"label\":\"A\"},"
            + "{\"text\":\"b\",\"label\":\"B\"}]},\"answerKey\":\"B\"}\n";

    @TempDir
    Path dir;

    private LoopbackServer server;
    private final List<String> notices = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = new LoopbackServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static byte[] arc(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) sb.append(String.format(ARC_LINE, i, i));
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String sha(byte[] b) throws Exception {
        Path t = Files.write(Files.createTempFile("b", ".bin"), b);
        try {
            return Hashing.sha256(t);
        } finally {
            Files.delete(t);
        }
    }

    private static byte[] zip(String member, byte[] content) throws Exception {
        var bytes = new ByteArrayOutputStream();
        try (var z = new ZipOutputStream(bytes)) {
            z.putNextEntry(new ZipEntry("other.txt"));
            z.write("x".getBytes());
            z.putNextEntry(new ZipEntry(member));
            z.write(content);
        }
        return bytes.toByteArray();
    }

    private static byte[] tar(String member, byte[] content) throws Exception {
        var bytes = new ByteArrayOutputStream();
        try (var t = new TarArchiveOutputStream(bytes)) {
            TarArchiveEntry e = new TarArchiveEntry(member);
            e.setSize(content.length);
            t.putArchiveEntry(e);
            t.write(content);
            t.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    /** A manifest with one config per way of getting a file. */
    private Path manifests(byte[] direct, byte[] zipped, byte[] tarred, String directSha) throws Exception {
        server.put("/direct.jsonl", direct);
        byte[] zipBytes = zip("inner/z.jsonl", zipped);
        server.put("/a.zip", zipBytes);
        server.put("/a.tar", tar("data/t.jsonl", tarred));
        Path m = Files.createDirectories(dir.resolve("manifests"));
        Files.writeString(m.resolve("toy.yaml"), """
                name: toy
                configs:
                  direct:
                    test:
                      docs: 3
                      sources:
                        - {format: arc_jsonl, files: [toy/direct.jsonl]}
                  zipped:
                    test:
                      sources:
                        - {format: arc_jsonl, files: [toy/z.jsonl]}
                  tarred:
                    test:
                      sources:
                        - {format: arc_jsonl, files: [toy/t.jsonl]}
                  fallback:
                    test:
                      sources:
                        - {format: arc_jsonl, files: [toy/gone.jsonl]}
                        - {format: arc_jsonl, files: [toy/direct.jsonl], note: second best}
                files:
                  toy/direct.jsonl: {sha256: %s, bytes: %d, url: %s}
                  toy/z.jsonl: {sha256: %s, archive: z, member: inner/z.jsonl}
                  toy/t.jsonl: {sha256: null, archive: t, member: data/t.jsonl}
                  toy/gone.jsonl: {sha256: null, url: %s}
                archives:
                  z: {url: %s, type: zip, sha256: %s}
                  t: {url: %s, type: tar}
                """.formatted(directSha, direct.length, server.uri("/direct.jsonl"), sha(zipped), server.uri("/gone.jsonl"),
                server.uri("/a.zip"), sha(zipBytes), server.uri("/a.tar")));
        return m;
    }

    private DataStore store(Path manifests, Path dataDir, boolean offline) {
        return new DataStore(DatasetCatalog.loadFrom(manifests), new DataOptions(dataDir, dir.resolve("cache"), offline),
                new Downloader(), notices::add);
    }

    @Test
    void downloadsDirectZippedAndTarredFilesIntoTheCache() throws Exception {
        byte[] direct = arc(3);
        Path m = manifests(direct, arc(2), arc(4), sha(direct));
        DataStore s = store(m, null, false);
        SplitData d = s.load("toy", "direct", "test");
        assertEquals(3, d.docs().size());
        assertEquals("downloaded", d.provenance().files().getFirst().origin());
        assertTrue(d.provenance().files().getFirst().verified());
        assertEquals(2, s.load("toy", "zipped", "test").docs().size());
        SplitData t = s.load("toy", "tarred", "test");
        assertEquals(4, t.docs().size());
        assertFalse(t.provenance().files().getFirst().verified(), "neither the member nor its archive has a checksum");
        // A second store finds them in the cache, offline.
        SplitData again = store(m, null, true).load("toy", "direct", "test");
        assertEquals("cache", again.provenance().files().getFirst().origin());
    }

    @Test
    void fallsBackToTheNextSourceAndSaysWhy() throws Exception {
        byte[] direct = arc(3);
        SplitData d = store(manifests(direct, arc(1), arc(1), sha(direct)), null, false).load("toy", "fallback", "test");
        assertEquals(3, d.docs().size());
        assertEquals("second best", d.provenance().note());
        assertEquals(1, notices.size());
        assertTrue(notices.getFirst().startsWith("toy fallback test: missing toy/gone.jsonl (not found at "), notices.getFirst());
    }

    @Test
    void offlineWithoutTheFileSaysWhereToPutIt() throws Exception {
        byte[] direct = arc(3);
        Path m = manifests(direct, arc(1), arc(1), sha(direct));
        var e = assertThrows(HarnessException.class, () -> store(m, null, true).load("toy", "direct", "test"));
        assertEquals(HarnessException.BAD_DATA, e.exitCode());
        assertEquals("toy direct test: missing toy/direct.jsonl (offline: not downloaded); put toy/direct.jsonl under "
                + dir.resolve("cache").resolve("datasets") + " or pass --data-dir DIR holding toy/direct.jsonl", e.getMessage());
    }

    @Test
    void aCorruptLocalCopyIsAnErrorNotAFallback() throws Exception {
        Path data = dir.resolve("data");
        Path copy = Files.createDirectories(data.resolve("arc/ARC-Easy")).resolve("ARC-Easy-Test.jsonl");
        byte[] real = Files.readAllBytes(SharedFiles.datasets().resolve("arc/ARC-Easy/ARC-Easy-Test.jsonl"));
        real[100] ^= 1;
        Files.write(copy, real);
        DataStore s = new DataStore(DatasetCatalog.load(), new DataOptions(data, dir.resolve("cache"), true), new Downloader(),
                notices::add);
        var e = assertThrows(ChecksumMismatchException.class, () -> s.load("arc", "ARC-Easy", "test"));
        assertTrue(e.getMessage().startsWith(copy + " is not the expected arc/ARC-Easy/ARC-Easy-Test.jsonl: sha256 "),
                e.getMessage());
    }

    @Test
    void aDownloadWithTheWrongChecksumIsAnError() throws Exception {
        Path m = manifests(arc(3), arc(1), arc(1), "ab".repeat(32));
        var e = assertThrows(ChecksumMismatchException.class, () -> store(m, null, false).load("toy", "direct", "test"));
        assertTrue(e.getMessage().contains("failed its checksum"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("cache/datasets/toy/direct.jsonl")));
    }

    @Test
    void aWrongDocumentCountIsAnError() throws Exception {
        byte[] direct = arc(5);
        var e = assertThrows(HarnessException.class,
                () -> store(manifests(direct, arc(1), arc(1), sha(direct)), null, false).load("toy", "direct", "test"));
        assertTrue(e.getMessage().contains("read 5 documents") && e.getMessage().contains("expects 3"), e.getMessage());
    }

    @Test
    void unknownDatasetConfigOrSplitIsAUsageError() {
        DataStore s = new DataStore(DatasetCatalog.load(), new DataOptions(null, dir, true), new Downloader(), notices::add);
        assertEquals(HarnessException.USAGE, assertThrows(HarnessException.class, () -> s.load("nope", null, "test")).exitCode());
        assertEquals(HarnessException.USAGE, assertThrows(HarnessException.class, () -> s.load("arc", "ARC-Hard", "test")).exitCode());
        var e = assertThrows(HarnessException.class, () -> s.load("arc", "ARC-Easy", "dev"));
        assertTrue(e.getMessage().contains("no split 'dev'"), e.getMessage());
    }
}
