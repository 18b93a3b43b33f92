package org.meltharness.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import org.meltharness.HarnessException;
import org.meltharness.results.Hashing;

/**
 * Downloads one file over HTTP(S) so that nothing half-downloaded is ever used: bytes go to
 * {@code <target>.part}, an interrupted download resumes from there with a range request, and the
 * file is renamed into place only after its size and sha256 check out.
 */
public final class Downloader {
    private static final long REPORT_NANOS = 500_000_000L;

    private final DownloadListener listener;

    public Downloader() {
        this(DownloadListener.SILENT);
    }

    public Downloader(DownloadListener listener) {
        this.listener = listener;
    }

    /**
     * @param expectedSha256 the file's sha256, or null when unknown
     * @param expectedBytes the file's size, or -1 when unknown
     * @param headers request headers (an {@code Authorization} token); never logged
     * @return {@code target}, complete and verified
     */
    public Path download(URI url, Path target, String expectedSha256, long expectedBytes, Map<String, String> headers) {
        Path part = target.resolveSibling(target.getFileName() + ".part");
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            try (HttpClient http = HttpClient.newBuilder()
                    .followRedirects(HttpClient.Redirect.NORMAL)
                    .connectTimeout(Duration.ofSeconds(10))
                    .build()) {
                fetch(http, url, part, expectedBytes, headers);
            }
            verify(url, part, expectedSha256, expectedBytes);
            try {
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return target;
        } catch (HttpTimeoutException e) {
            throw failed(url, "timed out");
        } catch (ConnectException | UnknownHostException e) {
            throw failed(url, "cannot connect to " + url.getHost() + " (no network?)");
        } catch (IOException e) {
            throw failed(url, String.valueOf(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HarnessException(HarnessException.INTERRUPTED, "download of " + url + " interrupted");
        }
    }

    private void fetch(HttpClient http, URI url, Path part, long expectedBytes, Map<String, String> headers)
            throws IOException, InterruptedException {
        long have = Files.exists(part) ? Files.size(part) : 0;
        if (expectedBytes >= 0 && have > expectedBytes) {
            Files.delete(part);
            have = 0;
        }
        if (expectedBytes >= 0 && have == expectedBytes) return; // complete; verification decides
        HttpRequest.Builder req = HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(10)).GET();
        headers.forEach(req::header);
        if (have > 0) req.header("Range", "bytes=" + have + "-");
        HttpResponse<InputStream> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
        int status = resp.statusCode();
        try (InputStream body = resp.body()) {
            boolean append;
            if (status == 206 && have > 0) {
                append = true;
            } else if (status == 200) {
                append = false; // a server that ignores the range sends the whole file again
                have = 0;
            } else if (status == 416 && have > 0) {
                return; // the part already holds the whole file
            } else {
                throw httpError(url, status);
            }
            long total = resp.headers().firstValueAsLong("Content-Length").orElse(-1L);
            if (total >= 0 && append) total += have;
            if (total < 0) total = expectedBytes;
            copy(url, body, part, append, have, total);
        }
    }

    private void copy(URI url, InputStream body, Path part, boolean append, long start, long total) throws IOException {
        var options = append
                ? new StandardOpenOption[] {StandardOpenOption.CREATE, StandardOpenOption.APPEND}
                : new StandardOpenOption[] {StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE};
        long done = start;
        long t0 = System.nanoTime();
        long last = t0;
        try (OutputStream out = Files.newOutputStream(part, options)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = body.read(buf)) > 0) {
                out.write(buf, 0, n);
                done += n;
                long now = System.nanoTime();
                if (now - last >= REPORT_NANOS) {
                    last = now;
                    listener.progress(url, done, total, (done - start) / ((now - t0) / 1e9));
                }
            }
        }
        listener.finished(url, done);
    }

    private static void verify(URI url, Path part, String expectedSha256, long expectedBytes) throws IOException {
        long size = Files.size(part);
        if (expectedBytes >= 0 && size != expectedBytes) {
            if (size < expectedBytes) {
                // Kept, so that the next attempt resumes where this one stopped.
                throw HarnessException.badData("download of " + url + " stopped at " + size + " of " + expectedBytes
                        + " bytes; run again to resume");
            }
            Files.deleteIfExists(part);
            throw HarnessException.badData("download of " + url + " has " + size + " bytes, expected " + expectedBytes);
        }
        if (expectedSha256 != null) {
            String actual = Hashing.sha256(part);
            if (!actual.equalsIgnoreCase(expectedSha256)) {
                Files.deleteIfExists(part);
                throw new ChecksumMismatchException("download of " + url + " failed its checksum: sha256 " + actual
                        + ", expected " + expectedSha256);
            }
        }
    }

    private static HarnessException httpError(URI url, int status) {
        return switch (status) {
            case 401, 403 -> HarnessException.badData("download of " + url + " was refused (HTTP " + status
                    + "); a gated model needs HF_TOKEN set to a token with access");
            case 404 -> HarnessException.badData("not found at " + url + " (HTTP 404)");
            default -> HarnessException.badData("download of " + url + " failed: HTTP " + status);
        };
    }

    private static HarnessException failed(URI url, String reason) {
        return HarnessException.badData("download of " + url + " failed: " + reason);
    }
}
