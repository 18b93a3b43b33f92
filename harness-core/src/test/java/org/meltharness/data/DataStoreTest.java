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
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.HarnessException;
import org.meltharness.SharedFiles;
import org.meltharness.io.Hashing;

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
            TarArchiveEntry dirEntry = new TarArchiveEntry("./data/");
            t.putArchiveEntry(dirEntry);
            t.closeArchiveEntry();
            TarArchiveEntry e = new TarArchiveEntry("./" + member);
            e.setSize(content.length);
            t.putArchiveEntry(e);
            t.write(content);
            t.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    private static byte[] gzip(byte[] content) throws Exception {
        var bytes = new ByteArrayOutputStream();
        try (var g = new GZIPOutputStream(bytes)) {
            g.write(content);
        }
        return bytes.toByteArray();
    }

    /** A manifest with one config per way of getting a file. */
    private Path manifests(byte[] direct, byte[] zipped, byte[] tarred, String directSha) throws Exception {
        server.put("/direct.jsonl", direct);
        server.put("/nosha.jsonl", arc(2));
        byte[] zipBytes = zip("inner/z.jsonl", zipped);
        server.put("/a.zip", zipBytes);
        server.put("/a.tar", tar("data/t.jsonl", tarred));
        byte[] tgz = gzip(tar("data/g.jsonl", arc(6)));
        server.put("/a.tar.gz", tgz);
        // Named .tar but gzipped, as some servers deliver "data.tar".
        server.put("/b.tar", gzip(tar("data/g.jsonl", arc(7))));
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
                    again:
                      sources:
                        - {format: arc_jsonl, files: [toy/t.jsonl]}
                  tgz:
                    test:
                      sources:
                        - {format: arc_jsonl, files: [toy/g.jsonl]}
                  gztar:
                    test:
                      sources:
                        - {format: arc_jsonl, files: [toy/g2.jsonl]}
                  nosha:
                    test:
                      sources:
                        - {format: arc_jsonl, files: [toy/nosha.jsonl]}
                  fallback:
                    test:
                      sources:
                        - {format: arc_jsonl, files: [toy/gone.jsonl]}
                        - {format: arc_jsonl, files: [toy/direct.jsonl], note: second best}
                  nowhere:
                    test:
                      sources:
                        - {format: arc_jsonl, files: [toy/gone.jsonl]}
                        - {format: arc_jsonl, files: [toy/local-only.jsonl], note: lossy}
                  badmember:
                    test:
                      sources:
                        - {format: arc_jsonl, files: [toy/nomember.jsonl]}
                  zbad:
                    test:
                      sources:
                        - {format: arc_jsonl, files: [toy/zbad.jsonl]}
                files:
                  toy/direct.jsonl: {sha256: %s, bytes: %d, url: %s}
                  toy/z.jsonl: {sha256: %s, archive: z, member: inner/z.jsonl}
                  toy/t.jsonl: {sha256: null, archive: t, member: data/t.jsonl}
                  toy/g.jsonl: {sha256: null, archive: g, member: data/g.jsonl}
                  toy/g2.jsonl: {sha256: null, archive: g2, member: data/g.jsonl}
                  toy/nosha.jsonl: {sha256: null, url: %s}
                  toy/gone.jsonl: {sha256: null, url: %s}
                  toy/local-only.jsonl: {sha256: null}
                  toy/nomember.jsonl: {sha256: null, archive: z, member: inner/absent.jsonl}
                  toy/zbad.jsonl: {sha256: %s, archive: z, member: inner/z.jsonl}
                archives:
                  z: {url: %s, type: zip, sha256: %s}
                  t: {url: %s, type: tar}
                  g: {url: %s, type: tar.gz, sha256: %s, bytes: %d}
                  g2: {url: %s, type: tar}
                """.formatted(directSha, direct.length, server.uri("/direct.jsonl"), sha(zipped), server.uri("/nosha.jsonl"),
                server.uri("/gone.jsonl"), "cd".repeat(32), server.uri("/a.zip"), sha(zipBytes), server.uri("/a.tar"),
                server.uri("/a.tar.gz"), sha(tgz), tgz.length, server.uri("/b.tar")));
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
    void tarGzAndGzippedTarArchivesAreUnpacked() throws Exception {
        byte[] direct = arc(3);
        DataStore s = store(manifests(direct, arc(1), arc(1), sha(direct)), null, false);
        SplitData g = s.load("toy", "tgz", "test");
        assertEquals(6, g.docs().size());
        assertTrue(g.provenance().files().getFirst().verified(), "the member came out of an archive whose sha256 matched");
        assertTrue(Files.isRegularFile(dir.resolve("cache/downloads/g.tar.gz")));
        assertEquals(7, s.load("toy", "gztar", "test").docs().size());
    }

    @Test
    void anUnverifiedFileIsRecordedAsSuchAndReportedOncePerStore() throws Exception {
        byte[] direct = arc(3);
        Path m = manifests(direct, arc(1), arc(4), sha(direct));
        DataStore s = store(m, null, false);
        SplitData nosha = s.load("toy", "nosha", "test");
        DataFile f = nosha.provenance().files().getFirst();
        assertEquals("downloaded", f.origin());
        assertFalse(f.verified());
        assertEquals(Hashing.sha256(dir.resolve("cache/datasets/toy/nosha.jsonl")), f.sha256(), "the hash is recorded even so");
        s.load("toy", "tarred", "test");
        s.load("toy", "tarred", "again");
        assertEquals(List.of(
                "toy nosha test: no checksum is known for toy/nosha.jsonl (downloaded), so it is used unverified; provenance records sha256 "
                        + f.sha256(),
                "toy tarred test: no checksum is known for toy/t.jsonl (downloaded), so it is used unverified; provenance records sha256 "
                        + Hashing.sha256(dir.resolve("cache/datasets/toy/t.jsonl"))), notices);
        notices.clear();
        SplitData cached = store(m, null, true).load("toy", "nosha", "test");
        assertEquals("cache", cached.provenance().files().getFirst().origin());
        assertFalse(cached.provenance().files().getFirst().verified());
        assertEquals(1, notices.size(), "a new store (a new run) says it again");
    }

    @Test
    void whenEverySourceFailsTheErrorNamesTheBestSourcesFile() throws Exception {
        byte[] direct = arc(3);
        var e = assertThrows(HarnessException.class,
                () -> store(manifests(direct, arc(1), arc(1), sha(direct)), null, false).load("toy", "nowhere", "test"));
        assertEquals("toy nowhere test: missing toy/gone.jsonl (not found at " + server.uri("/gone.jsonl") + " (HTTP 404)); put it at "
                + dir.resolve("cache/datasets/toy/gone.jsonl") + " or pass --data-dir DIR holding toy/gone.jsonl", e.getMessage());
        assertEquals(List.of(), notices, "no 'using ...' for a fallback that did not work either");
    }

    @Test
    void aMissingArchiveMemberOrAWrongMemberHash() throws Exception {
        byte[] direct = arc(3);
        Path m = manifests(direct, arc(1), arc(1), sha(direct));
        var absent = assertThrows(HarnessException.class, () -> store(m, null, false).load("toy", "badmember", "test"));
        assertTrue(absent.getMessage().contains("has no member inner/absent.jsonl"), absent.getMessage());
        var wrong = assertThrows(ChecksumMismatchException.class, () -> store(m, null, false).load("toy", "zbad", "test"));
        assertTrue(wrong.getMessage().startsWith("toy/zbad.jsonl as extracted from " + server.uri("/a.zip") + " failed its checksum"),
                wrong.getMessage());
        assertFalse(Files.exists(dir.resolve("cache/datasets/toy/zbad.jsonl")));
    }

    @Test
    void aCorruptArchiveInTheDownloadCacheIsFetchedAgain() throws Exception {
        byte[] direct = arc(3);
        Path m = manifests(direct, arc(2), arc(1), sha(direct));
        Files.createDirectories(dir.resolve("cache/downloads"));
        Files.writeString(dir.resolve("cache/downloads/z.zip"), "not the archive");
        assertEquals(2, store(m, null, false).load("toy", "zipped", "test").docs().size());
        assertEquals(1, notices.size());
        assertTrue(notices.getFirst().endsWith("; downloading it again"), notices.getFirst());
        assertEquals(List.of("/a.zip"), server.requests);
    }

    @Test
    void theDataDirComesBeforeTheCache() throws Exception {
        byte[] direct = arc(3);
        Path m = manifests(direct, arc(1), arc(1), sha(direct));
        Path data = dir.resolve("data");
        for (Path root : List.of(data, dir.resolve("cache/datasets"))) {
            Files.createDirectories(root.resolve("toy"));
            Files.write(root.resolve("toy/direct.jsonl"), direct);
        }
        DataFile f = store(m, data, true).load("toy", "direct", "test").provenance().files().getFirst();
        assertEquals("data-dir", f.origin());
        assertEquals(data.resolve("toy/direct.jsonl").toString(), f.resolvedPath());
        assertTrue(f.verified());
    }

    @Test
    void onlyTheMissingFilesOfASourceAreNamed() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data/piqa"));
        Files.copy(SharedFiles.datasets().resolve("piqa/valid.jsonl"), data.resolve("valid.jsonl"));
        DataStore s = new DataStore(DatasetCatalog.load(), new DataOptions(dir.resolve("data"), dir.resolve("cache"), true),
                new Downloader(), notices::add);
        var e = assertThrows(HarnessException.class, () -> s.load("piqa", null, "validation"));
        assertEquals("piqa validation: missing piqa/valid-labels.lst (offline: not downloaded); put it at "
                + dir.resolve("cache/datasets/piqa/valid-labels.lst") + " or pass --data-dir DIR holding piqa/valid-labels.lst",
                e.getMessage());
    }

    @Test
    void fallsBackToTheNextSourceAndSaysWhy() throws Exception {
        byte[] direct = arc(3);
        SplitData d = store(manifests(direct, arc(1), arc(1), sha(direct)), null, false).load("toy", "fallback", "test");
        assertEquals(3, d.docs().size());
        assertEquals("second best", d.provenance().note());
        assertEquals(List.of("toy fallback test: missing toy/gone.jsonl (not found at " + server.uri("/gone.jsonl")
                + " (HTTP 404)); using toy/direct.jsonl (second best)"), notices);
    }

    @Test
    void offlineWithoutTheFileSaysWhereToPutIt() throws Exception {
        byte[] direct = arc(3);
        Path m = manifests(direct, arc(1), arc(1), sha(direct));
        var e = assertThrows(HarnessException.class, () -> store(m, null, true).load("toy", "direct", "test"));
        assertEquals(HarnessException.BAD_DATA, e.exitCode());
        assertEquals("toy direct test: missing toy/direct.jsonl (offline: not downloaded); put it at "
                + dir.resolve("cache/datasets/toy/direct.jsonl") + " or pass --data-dir DIR holding toy/direct.jsonl", e.getMessage());
        assertEquals(List.of(), server.requests, "offline opens no connection");
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
    void harnessOfflineInTheEnvironmentMeansOffline() {
        Path cache = dir.resolve("cache");
        assertTrue(DataOptions.fromEnvironment(null, cache, false, java.util.Map.of("HARNESS_OFFLINE", "1")).offline());
        assertTrue(DataOptions.fromEnvironment(null, cache, true, java.util.Map.of()).offline());
        assertFalse(DataOptions.fromEnvironment(null, cache, false, java.util.Map.of("HARNESS_OFFLINE", "0")).offline());
        assertFalse(DataOptions.fromEnvironment(null, cache, false, java.util.Map.of()).offline());
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
