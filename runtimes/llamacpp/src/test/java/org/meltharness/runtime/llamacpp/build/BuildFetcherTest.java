package org.meltharness.runtime.llamacpp.build;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.HarnessException;
import org.meltharness.data.Downloader;
import org.meltharness.data.LoopbackServer;

/**
 * The pinned build's download, checks and cache against a real HTTP server on loopback serving a
 * package laid out like node-llama-cpp's: the good case, a corrupt tarball, a wrong npm integrity,
 * an interrupted download that resumes, a package whose library is not the pinned one, a cache
 * changed after the fact, and the offline refusal.
 */
class BuildFetcherTest {
    @TempDir
    Path dir;

    private LoopbackServer server;

    private static final Map<String, byte[]> FILES = new LinkedHashMap<>();

    static {
        FILES.put("libllama.v0.5.0.so", "llama".repeat(20_000).getBytes(StandardCharsets.UTF_8));
        FILES.put("libggml.v0.5.0.so", "ggml".repeat(1000).getBytes(StandardCharsets.UTF_8));
        FILES.put("libggml-base.so", "base".repeat(1000).getBytes(StandardCharsets.UTF_8));
        FILES.put("libggml-cpu-haswell.so", "haswell".repeat(1000).getBytes(StandardCharsets.UTF_8));
    }

    @BeforeEach
    void start() throws IOException {
        server = new LoopbackServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void serve(byte[] tgz) {
        server.put("/pkg.tgz", tgz);
    }

    /** A node-llama-cpp style package holding {@code files} under package/bins/linux-x64/, plus what is not kept. */
    private static byte[] tarball(Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
            Map<String, byte[]> all = new LinkedHashMap<>();
            all.put("package/package.json", "{}".getBytes(StandardCharsets.UTF_8));
            all.put("package/bins/linux-x64/llama-addon.node", "addon".getBytes(StandardCharsets.UTF_8));
            for (var e : files.entrySet()) all.put("package/bins/linux-x64/" + e.getKey(), e.getValue());
            for (var e : all.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
                entry.setSize(e.getValue().length);
                tar.putArchiveEntry(entry);
                tar.write(e.getValue());
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    private PinnedBuild pinned(byte[] tgz, Map<String, byte[]> files) throws Exception {
        Map<String, String> hashes = new LinkedHashMap<>();
        for (var e : files.entrySet()) hashes.put(e.getKey(), hex("SHA-256", e.getValue()));
        return new PinnedBuild("@node-llama-cpp/linux-x64", "3.22.1", "linux-x64",
                server.uri("/pkg.tgz"), tgz.length,
                hex("SHA-256", tgz), "sha512-" + Base64.getEncoder().encodeToString(digest("SHA-512", tgz)), hashes);
    }

    private BuildFolder obtain(PinnedBuild build) {
        return new BuildFetcher(new Downloader(), msg -> {}).obtain(build, dir.resolve("cache"), false);
    }

    private Path folder(PinnedBuild build) {
        return BuildFetcher.folder(build, dir.resolve("cache"));
    }

    @Test
    void fetchesVerifiesAndKeepsTheLibrariesThenServesThemFromTheCache() throws Exception {
        byte[] tgz = tarball(FILES);
        serve(tgz);
        PinnedBuild build = pinned(tgz, FILES);
        BuildFolder f = obtain(build);
        assertEquals(folder(build), f.dir());
        assertEquals(f.dir().resolve("libllama.v0.5.0.so"), f.llama());
        assertEquals(f.dir().resolve("libggml.v0.5.0.so"), f.ggml());
        assertEquals(f.dir().resolve("libggml-base.so"), f.ggmlBase());
        for (var e : FILES.entrySet()) assertArrayEquals(e.getValue(), Files.readAllBytes(f.dir().resolve(e.getKey())));
        try (Stream<Path> s = Files.list(f.dir())) {
            assertEquals(FILES.size(), s.count(), "only the pinned files: not llama-addon.node, not package.json");
        }
        try (Stream<Path> s = Files.list(f.dir().getParent())) {
            assertEquals(List.of(build.folderName()), s.map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith(".") && !n.equals("downloads")).toList(), "no staging folder is left");
        }
        assertFalse(Files.exists(f.dir().getParent().resolve("downloads").resolve(build.folderName() + ".tgz")));
        obtain(build);
        assertEquals(List.of("/pkg.tgz"), server.requests, "the second load is served from the cache");
    }

    @Test
    void aCorruptTarballIsRefusedAndNothingIsKept() throws Exception {
        byte[] good = tarball(FILES);
        PinnedBuild build = pinned(good, FILES);
        byte[] bad = good.clone();
        bad[bad.length / 2] ^= 1;
        serve(bad);
        HarnessException e = assertThrows(HarnessException.class, () -> obtain(build));
        assertEquals(HarnessException.BAD_DATA, e.exitCode());
        assertTrue(e.getMessage().contains("failed its checksum"), e.getMessage());
        assertFalse(Files.exists(folder(build)));
        serve(good);
        obtain(build); // a later run fetches it afresh
        assertEquals(2, server.requests.size());
        assertEquals(List.of(), server.ranges, "the corrupt bytes were not kept to resume from");
    }

    @Test
    void aTarballThatFailsNpmsIntegrityIsRefused() throws Exception {
        byte[] tgz = tarball(FILES);
        serve(tgz);
        PinnedBuild right = pinned(tgz, FILES);
        PinnedBuild wrong = new PinnedBuild(right.npmPackage(), right.version(), right.platform(), right.tarball(),
                right.bytes(), right.sha256(), "sha512-" + Base64.getEncoder().encodeToString(new byte[64]), right.files());
        HarnessException e = assertThrows(HarnessException.class, () -> obtain(wrong));
        assertEquals(HarnessException.BAD_DATA, e.exitCode());
        assertTrue(e.getMessage().contains("failed npm's integrity check: " + right.integrity()), e.getMessage());
        assertFalse(Files.exists(folder(wrong)));
    }

    @Test
    void anInterruptedDownloadResumesWhereItStopped() throws Exception {
        byte[] tgz = tarball(FILES);
        serve(tgz);
        PinnedBuild build = pinned(tgz, FILES);
        server.cutAfter.put("/pkg.tgz", tgz.length / 3);
        HarnessException e = assertThrows(HarnessException.class, () -> obtain(build));
        assertTrue(e.getMessage().contains("run again to resume"), e.getMessage());
        assertFalse(Files.exists(folder(build)));
        BuildFolder f = obtain(build);
        assertEquals(List.of("bytes=" + tgz.length / 3 + "-"), server.ranges);
        assertArrayEquals(FILES.get("libllama.v0.5.0.so"), Files.readAllBytes(f.llama()));
    }

    @Test
    void aPackageWhoseLibraryIsNotThePinnedOneIsRefused() throws Exception {
        Map<String, byte[]> other = new LinkedHashMap<>(FILES);
        other.put("libggml-cpu-haswell.so", "not the pinned library".getBytes(StandardCharsets.UTF_8));
        byte[] tgz = tarball(other);
        serve(tgz);
        // The tarball's own hashes are right (a re-published package); the library's is not.
        PinnedBuild build = pinned(tgz, FILES);
        PinnedBuild withTarball = new PinnedBuild(build.npmPackage(), build.version(), build.platform(), build.tarball(),
                tgz.length, hex("SHA-256", tgz), "sha512-" + Base64.getEncoder().encodeToString(digest("SHA-512", tgz)),
                build.files());
        HarnessException e = assertThrows(HarnessException.class, () -> obtain(withTarball));
        assertTrue(e.getMessage().contains("does not match its pinned hashes: libggml-cpu-haswell.so has sha256"),
                e.getMessage());
        assertFalse(Files.exists(folder(withTarball)));
    }

    @Test
    void theCacheIsCheckedOnEveryLoad() throws Exception {
        byte[] tgz = tarball(FILES);
        serve(tgz);
        PinnedBuild build = pinned(tgz, FILES);
        Path f = obtain(build).dir();
        Path cpu = f.resolve("libggml-cpu-haswell.so");
        byte[] original = Files.readAllBytes(cpu);
        Files.write(cpu, "changed".getBytes(StandardCharsets.UTF_8));
        HarnessException changed = assertThrows(HarnessException.class, () -> obtain(build));
        assertTrue(changed.getMessage().contains("libggml-cpu-haswell.so has sha256"), changed.getMessage());
        assertTrue(changed.getMessage().endsWith("delete " + f + " and run again to fetch it anew"), changed.getMessage());
        Files.write(cpu, original);
        // ggml loads every libggml-* library in the folder: one dropped in is refused too.
        Files.write(f.resolve("libggml-cpu-zen9.so"), new byte[] {1});
        HarnessException added = assertThrows(HarnessException.class, () -> obtain(build));
        assertTrue(added.getMessage().contains("holds libggml-cpu-zen9.so, which the pinned build does not have"),
                added.getMessage());
        Files.delete(f.resolve("libggml-cpu-zen9.so"));
        Files.delete(f.resolve("libggml-base.so"));
        HarnessException missing = assertThrows(HarnessException.class, () -> obtain(build));
        assertTrue(missing.getMessage().contains("lacks libggml-base.so"), missing.getMessage());
        assertEquals(1, server.requests.size(), "a damaged cache is reported, not silently fetched again");
    }

    @Test
    void offlineWithoutTheBuildIsOneLineSayingWhatToFetchAndWhere() throws Exception {
        byte[] tgz = tarball(FILES);
        serve(tgz);
        PinnedBuild build = pinned(tgz, FILES);
        HarnessException e = assertThrows(HarnessException.class,
                () -> new BuildFetcher(new Downloader(), msg -> {}).obtain(build, dir.resolve("cache"), true));
        assertEquals(HarnessException.BAD_DATA, e.exitCode());
        assertFalse(e.getMessage().contains("\n"));
        assertTrue(e.getMessage().contains("fetch " + build.tarball() + " (" + build.integrity() + ")"), e.getMessage());
        assertTrue(e.getMessage().contains("into " + folder(build)), e.getMessage());
        assertEquals(List.of(), server.requests, "no request was made");
    }

    @Test
    void noServerIsOneLineSayingWhatToFetchAndWhere() throws Exception {
        byte[] tgz = tarball(FILES);
        PinnedBuild up = pinned(tgz, FILES);
        int port;
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        PinnedBuild down = new PinnedBuild(up.npmPackage(), up.version(), up.platform(),
                java.net.URI.create("http://127.0.0.1:" + port + "/pkg.tgz"), up.bytes(), up.sha256(), up.integrity(),
                up.files());
        HarnessException e = assertThrows(HarnessException.class, () -> obtain(down));
        assertEquals(HarnessException.BAD_DATA, e.exitCode());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().startsWith("download of " + down.tarball() + " failed: cannot connect"), e.getMessage());
        assertTrue(e.getMessage().endsWith("; to install it by hand, fetch " + down.tarball() + " (" + down.integrity()
                + ") and unpack the files of its package/bins/linux-x64/ except llama-addon.node and libllama-common.so "
                + "into " + folder(down)), e.getMessage());
    }

    @Test
    void thePinnedBuildsNameEveryLibraryTheLoaderNeeds() {
        List<String> platforms = new ArrayList<>();
        for (String p : List.of("linux-x64", "linux-arm64")) {
            PinnedBuild b = PinnedBuild.forPlatform(p).orElseThrow();
            platforms.add(b.platform());
            assertTrue(b.files().containsKey("libllama.v0.5.0.so") && b.files().containsKey("libggml.v0.5.0.so")
                    && b.files().containsKey("libggml-base.so"), b.files().toString());
            assertTrue(b.files().keySet().stream().anyMatch(n -> n.startsWith("libggml-cpu-")), b.files().toString());
            assertTrue(b.integrity().startsWith("sha512-") && b.sha256().length() == 64, b.toString());
            assertEquals("https://registry.npmjs.org/@node-llama-cpp/" + p + "/-/" + p + "-3.22.1.tgz",
                    b.tarball().toString());
        }
        assertEquals(List.of("linux-x64", "linux-arm64"), platforms);
        assertTrue(PinnedBuild.forPlatform("mac-arm64").isEmpty());
    }

    private static byte[] digest(String algorithm, byte[] data) throws Exception {
        return MessageDigest.getInstance(algorithm).digest(data);
    }

    private static String hex(String algorithm, byte[] data) throws Exception {
        return HexFormat.of().formatHex(digest(algorithm, data));
    }
}
