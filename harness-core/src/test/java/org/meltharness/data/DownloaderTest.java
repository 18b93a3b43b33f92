package org.meltharness.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.HarnessException;
import org.meltharness.results.Hashing;

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
}
