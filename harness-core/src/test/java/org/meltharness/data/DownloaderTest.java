package org.meltharness.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.HarnessException;
import org.meltharness.io.Hashing;

/** Downloads from a real HTTP server on the loopback interface: resumes, restarts, checksums, errors. */
class DownloaderTest {
    private LoopbackServer server;
    private final byte[] content = new byte[300_000];
    private String sha;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        new Random(7).nextBytes(content);
        server = new LoopbackServer();
        server.put("/f.bin", content);
        Path tmp = Files.write(Files.createTempFile("content", ".bin"), content);
        sha = Hashing.sha256(tmp);
        Files.delete(tmp);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void downloadsAndVerifies() throws Exception {
        Path target = dir.resolve("sub/f.bin");
        new Downloader().download(server.uri("/f.bin"), target, sha, content.length, Map.of());
        assertArrayEquals(content, Files.readAllBytes(target));
        assertFalse(Files.exists(dir.resolve("sub/f.bin.part")));
    }

    @Test
    void aCutConnectionIsResumedWithARangeRequest() throws Exception {
        Path target = dir.resolve("f.bin");
        server.cutAfter.put("/f.bin", 100_000);
        var first = assertThrows(HarnessException.class,
                () -> new Downloader().download(server.uri("/f.bin"), target, sha, content.length, Map.of()));
        assertTrue(first.getMessage().contains("run again to resume") || first.getMessage().contains("failed"), first.getMessage());
        assertFalse(Files.exists(target), "nothing half-downloaded is put in place");
        long part = Files.size(dir.resolve("f.bin.part"));
        assertTrue(part > 0 && part < content.length, "partial file kept: " + part);
        new Downloader().download(server.uri("/f.bin"), target, sha, content.length, Map.of());
        assertEquals("bytes=" + part + "-", server.ranges.getLast());
        assertArrayEquals(content, Files.readAllBytes(target));
    }

    @Test
    void aServerIgnoringRangesSendsTheWholeFileAgain() throws Exception {
        Path target = dir.resolve("f.bin");
        Files.write(dir.resolve("f.bin.part"), java.util.Arrays.copyOf(content, 1000));
        server.ignoreRanges = true;
        new Downloader().download(server.uri("/f.bin"), target, sha, content.length, Map.of());
        assertEquals(1, server.ranges.size());
        assertArrayEquals(content, Files.readAllBytes(target));
    }

    @Test
    void aChecksumMismatchLeavesNothing() {
        Path target = dir.resolve("f.bin");
        var e = assertThrows(ChecksumMismatchException.class,
                () -> new Downloader().download(server.uri("/f.bin"), target, "00".repeat(32), content.length, Map.of()));
        assertTrue(e.getMessage().contains("failed its checksum"), e.getMessage());
        assertFalse(Files.exists(target));
        assertFalse(Files.exists(dir.resolve("f.bin.part")));
    }

    @Test
    void httpErrorsAreOneLine() {
        var notFound = assertThrows(HarnessException.class,
                () -> new Downloader().download(server.uri("/missing"), dir.resolve("m"), null, -1, Map.of()));
        assertEquals("not found at " + server.uri("/missing") + " (HTTP 404)", notFound.getMessage());
        server.requiredToken = "secret-token";
        var refused = assertThrows(HarnessException.class,
                () -> new Downloader().download(server.uri("/f.bin"), dir.resolve("g"), null, -1, Map.of()));
        assertTrue(refused.getMessage().contains("HF_TOKEN"), refused.getMessage());
        new Downloader().download(server.uri("/f.bin"), dir.resolve("g"), sha, -1, Map.of("Authorization", "Bearer secret-token"));
        assertEquals("Bearer secret-token", server.authorizations.getLast());
    }

    @Test
    void aStalledServerIsGivenUpOnAndTheDownloadResumesLater() throws Exception {
        Path target = dir.resolve("f.bin");
        server.stallAfter.put("/f.bin", 50_000);
        Downloader impatient = new Downloader(DownloadListener.SILENT, Duration.ofMillis(400));
        long t0 = System.nanoTime();
        var e = assertThrows(HarnessException.class, () -> impatient.download(server.uri("/f.bin"), target, sha, content.length, Map.of()));
        assertTrue((System.nanoTime() - t0) / 1e9 < 10, "gave up long after the idle timeout");
        assertEquals("download of " + server.uri("/f.bin") + " failed: no data for 400 ms; run again to resume", e.getMessage());
        assertEquals(50_000, Files.size(dir.resolve("f.bin.part")));
        impatient.download(server.uri("/f.bin"), target, sha, content.length, Map.of());
        assertEquals("bytes=50000-", server.ranges.getLast());
        assertArrayEquals(content, Files.readAllBytes(target));
    }

    @Test
    void progressIsReportedAtMostEveryHalfSecond() throws Exception {
        server.chunkBytes = 20_000;
        server.pauseMillis = 80; // 15 pieces: about 1.2 s in all
        List<long[]> reports = new CopyOnWriteArrayList<>();
        List<Long> finished = new CopyOnWriteArrayList<>();
        DownloadListener listener = new DownloadListener() {
            @Override
            public void progress(URI url, long done, long total, double rate) {
                reports.add(new long[] {System.nanoTime(), done, total, (long) rate});
            }

            @Override
            public void finished(URI url, long bytes) {
                finished.add(bytes);
            }
        };
        new Downloader(listener).download(server.uri("/f.bin"), dir.resolve("f.bin"), sha, content.length, Map.of());
        assertEquals(List.of((long) content.length), finished);
        assertTrue(reports.size() >= 1 && reports.size() <= 3, "reports: " + reports.size());
        for (int i = 0; i < reports.size(); i++) {
            long[] r = reports.get(i);
            assertEquals(content.length, r[2], "total");
            assertTrue(r[1] > 0 && r[1] < content.length && r[3] > 0, "done " + r[1] + ", rate " + r[3]);
            if (i > 0) assertTrue(r[0] - reports.get(i - 1)[0] >= 500_000_000L, "reports closer than 500 ms");
        }
    }

    @Test
    void progressLinesSayDoneTotalRateAndTimeLeft() {
        URI url = URI.create("https://example.org/data/hellaswag_val.jsonl");
        assertEquals("hellaswag_val.jsonl: 3.0 of 12.0 MB (25%), 2.0 MB/s, 5 s left",
                DownloadListener.line(url, 3_000_000, 12_000_000, 2_000_000));
        assertEquals("hellaswag_val.jsonl: 3.0 MB, 2.0 MB/s", DownloadListener.line(url, 3_000_000, -1, 2_000_000));
        assertEquals("hellaswag_val.jsonl: 0.0 of 4000.0 MB (0%), 1.0 MB/s, 1 h 6 min left",
                DownloadListener.line(url, 0, 4_000_000_000L, 1_000_000));
        assertEquals(-1, DownloadListener.etaSeconds(5, 10, 0));
        List<String> lines = new ArrayList<>();
        DownloadListener.lines(lines::add).progress(url, 1_000_000, 2_000_000, 1_000_000);
        assertEquals(List.of("hellaswag_val.jsonl: 1.0 of 2.0 MB (50%), 1.0 MB/s, 1 s left"), lines);
    }

    @Test
    void aCompletePartIsVerifiedWithoutARequest() throws Exception {
        Files.write(dir.resolve("f.bin.part"), content);
        new Downloader().download(server.uri("/f.bin"), dir.resolve("f.bin"), sha, content.length, Map.of());
        assertEquals(List.of(), server.requests);
        assertArrayEquals(content, Files.readAllBytes(dir.resolve("f.bin")));
    }

    @Test
    void aPartOfAnotherFileFailsTheChecksumAndIsDropped() throws Exception {
        byte[] other = content.clone();
        other[10] ^= 1;
        Files.write(dir.resolve("f.bin.part"), java.util.Arrays.copyOf(other, 1000));
        Path target = dir.resolve("f.bin");
        assertThrows(ChecksumMismatchException.class,
                () -> new Downloader().download(server.uri("/f.bin"), target, sha, content.length, Map.of()));
        assertFalse(Files.exists(dir.resolve("f.bin.part")), "a bad part would poison every later resume");
        new Downloader().download(server.uri("/f.bin"), target, sha, content.length, Map.of());
        assertArrayEquals(content, Files.readAllBytes(target));
    }

    @Test
    void redirectsAreFollowedButATokenStaysWithItsOrigin() throws Exception {
        try (LoopbackServer cdn = new LoopbackServer()) {
            cdn.put("/blob", content);
            server.redirects.put("/model.bin", cdn.uri("/blob"));
            server.redirects.put("/moved.bin", server.uri("/f.bin"));
            Map<String, String> token = Map.of("Authorization", "Bearer secret-token");
            Files.write(dir.resolve("m.bin.part"), java.util.Arrays.copyOf(content, 1234));
            new Downloader().download(server.uri("/model.bin"), dir.resolve("m.bin"), sha, content.length, token);
            assertArrayEquals(content, Files.readAllBytes(dir.resolve("m.bin")));
            assertEquals(List.of("Bearer secret-token"), server.authorizations);
            assertEquals(List.of(), cdn.authorizations, "the token went to another origin");
            assertEquals(List.of("bytes=1234-"), cdn.ranges, "the range survives the redirect");
            new Downloader().download(server.uri("/moved.bin"), dir.resolve("n.bin"), sha, content.length, token);
            assertEquals(List.of("Bearer secret-token", "Bearer secret-token", "Bearer secret-token"), server.authorizations);
        }
        server.redirects.put("/loop", server.uri("/loop"));
        var e = assertThrows(HarnessException.class, () -> new Downloader().download(server.uri("/loop"), dir.resolve("l"), null, -1, Map.of()));
        assertEquals("download of " + server.uri("/loop") + " failed: more than 10 redirects", e.getMessage());
    }

    @Test
    void anUnreachableServerIsOneLine() throws Exception {
        java.net.URI closed;
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = java.net.URI.create("http://127.0.0.1:" + s.getLocalPort() + "/x");
        }
        java.net.URI url = closed;
        var e = assertThrows(HarnessException.class, () -> new Downloader().download(url, dir.resolve("x"), null, -1, Map.of()));
        assertTrue(e.getMessage().startsWith("download of " + url + " failed: "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    /** The same length, other bytes: a re-upload under the same URL. */
    private byte[] changed() {
        byte[] b = new byte[content.length];
        new Random(8).nextBytes(b);
        return b;
    }

    @Test
    void aFileChangedBetweenTwoTriesIsFetchedWholeAgainNotSpliced() throws Exception {
        // No hash, and a re-upload of the same size: only If-Range stands between a resume and a spliced file.
        Path target = dir.resolve("f.bin");
        server.etags.put("/f.bin", "\"v1\"");
        server.cutAfter.put("/f.bin", 100_000);
        assertThrows(HarnessException.class, () -> new Downloader().download(server.uri("/f.bin"), target, null, content.length, Map.of()));
        assertTrue(Files.size(dir.resolve("f.bin.part")) > 0);
        byte[] v2 = changed();
        server.put("/f.bin", v2);
        server.etags.put("/f.bin", "\"v2\"");
        new Downloader().download(server.uri("/f.bin"), target, null, content.length, Map.of());
        assertEquals(List.of("\"v1\""), server.ifRanges, "the resume names the version it began");
        assertArrayEquals(v2, Files.readAllBytes(target));
        assertFalse(Files.exists(dir.resolve("f.bin.part.validator")), "nothing is left beside the file");
    }

    @Test
    void anUnchangedFileIsResumedWithIfRange() throws Exception {
        Path target = dir.resolve("f.bin");
        server.lastModified.put("/f.bin", "Wed, 21 Oct 2015 07:28:00 GMT");
        server.cutAfter.put("/f.bin", 100_000);
        assertThrows(HarnessException.class, () -> new Downloader().download(server.uri("/f.bin"), target, null, content.length, Map.of()));
        long part = Files.size(dir.resolve("f.bin.part"));
        new Downloader().download(server.uri("/f.bin"), target, null, content.length, Map.of());
        assertEquals(List.of("Wed, 21 Oct 2015 07:28:00 GMT"), server.ifRanges);
        assertEquals("bytes=" + part + "-", server.ranges.getLast());
        assertArrayEquals(content, Files.readAllBytes(target));
    }

    @Test
    void aServerIgnoringIfRangeIsCaughtByItsNewETag() throws Exception {
        Path target = dir.resolve("f.bin");
        server.etags.put("/f.bin", "\"v1\"");
        server.cutAfter.put("/f.bin", 100_000);
        assertThrows(HarnessException.class, () -> new Downloader().download(server.uri("/f.bin"), target, null, content.length, Map.of()));
        byte[] v2 = changed();
        server.put("/f.bin", v2);
        server.etags.put("/f.bin", "\"v2\"");
        server.ignoreIfRange = true; // answers 206 with the new version's bytes
        new Downloader().download(server.uri("/f.bin"), target, null, content.length, Map.of());
        assertArrayEquals(v2, Files.readAllBytes(target));
        assertEquals(1, server.ranges.size(), "the second request of the resume starts from zero");
    }

    @Test
    void aPartWithoutAnythingToCheckItByIsNotResumed() throws Exception {
        // No validator stored, no hash: the old bytes may be another version's.
        Path target = dir.resolve("f.bin");
        Files.write(dir.resolve("f.bin.part"), java.util.Arrays.copyOf(changed(), 1000));
        new Downloader().download(server.uri("/f.bin"), target, null, -1, Map.of());
        assertEquals(List.of(), server.ranges);
        assertArrayEquals(content, Files.readAllBytes(target));
    }

    @Test
    void aServerSendingWithoutEndIsCutOffAtTheCap() {
        server.endless.add("/f.bin");
        Path target = dir.resolve("f.bin");
        Downloader capped = new Downloader(DownloadListener.SILENT, Duration.ofSeconds(10), 1_000_000);
        var e = assertThrows(HarnessException.class, () -> capped.download(server.uri("/f.bin"), target, sha, -1, Map.of()));
        assertEquals(HarnessException.BAD_DATA, e.exitCode());
        assertEquals("download of " + server.uri("/f.bin") + " refused: the server sends more, more than 1000000 bytes, the most taken "
                + "for a file of unknown size", e.getMessage());
        assertFalse(Files.exists(dir.resolve("f.bin.part")), "no part to resume from");
        assertFalse(Files.exists(target));
    }

    @Test
    void aServerSendingMoreThanTheKnownSizeIsRefused() {
        Path target = dir.resolve("f.bin");
        var e = assertThrows(HarnessException.class, () -> new Downloader().download(server.uri("/f.bin"), target, null, 1000, Map.of()));
        assertEquals("download of " + server.uri("/f.bin") + " refused: the server announces " + content.length
                + " bytes, more than the 1000 bytes the file has", e.getMessage());
        server.endless.add("/f.bin");
        var endless = assertThrows(HarnessException.class, () -> new Downloader().download(server.uri("/f.bin"), target, null, 5000, Map.of()));
        assertTrue(endless.getMessage().endsWith("refused: the server sends more, more than the 5000 bytes the file has"), endless.getMessage());
        assertFalse(Files.exists(dir.resolve("f.bin.part")));
    }
}
