package org.meltharness.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.meltharness.HarnessException;
import org.meltharness.io.Hashing;

/**
 * Downloads one file over HTTP(S) so that nothing half-downloaded is ever used: bytes go to
 * {@code <target>.part}, an interrupted download resumes from there with a range request that
 * names the version it began ({@code If-Range}, see {@link PartValidator}), never more bytes are
 * taken than the file may have, and the file is renamed into place only after its size and sha256
 * check out.
 *
 * <p>Generic on purpose (datasets and hub models both use it): it knows URLs, files and hashes,
 * nothing about what they hold.
 */
public final class Downloader {
    private static final long REPORT_NANOS = 500_000_000L;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);
    private static final int MAX_REDIRECTS = 10;
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(\\d+)-");
    /**
     * The most a file of unknown size is allowed to take (its hash may be known, but a hash is checked
     * only at the end). The largest such file a dataset manifest names is MMLU's 166 MB tar; hub
     * files without a listed size are small non-LFS files.
     */
    static final long DEFAULT_MAX_UNKNOWN_BYTES = 2L << 30;

    private final DownloadListener listener;
    private final Duration idleTimeout;
    private final long maxUnknownBytes;

    public Downloader() {
        this(DownloadListener.SILENT);
    }

    public Downloader(DownloadListener listener) {
        this(listener, IDLE_TIMEOUT);
    }

    /**
     * @param idleTimeout how long to wait for the response, and then for each next byte, before
     *     giving up (tests shorten it)
     */
    Downloader(DownloadListener listener, Duration idleTimeout) {
        this(listener, idleTimeout, DEFAULT_MAX_UNKNOWN_BYTES);
    }

    /** @param maxUnknownBytes the most bytes taken for a file whose size is not known (tests lower it) */
    Downloader(DownloadListener listener, Duration idleTimeout, long maxUnknownBytes) {
        this.listener = listener;
        this.idleTimeout = idleTimeout;
        this.maxUnknownBytes = maxUnknownBytes;
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
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .connectTimeout(CONNECT_TIMEOUT)
                    .build()) {
                fetch(http, url, part, expectedSha256, expectedBytes, headers);
            }
            verify(url, part, expectedSha256, expectedBytes);
            org.meltharness.io.AtomicFiles.moveIntoPlace(part, target);
            PartValidator.delete(part);
            return target;
        } catch (HttpConnectTimeoutException e) {
            throw failed(url, "cannot connect to " + url.getHost() + " within " + CONNECT_TIMEOUT.toSeconds() + " s");
        } catch (HttpTimeoutException e) {
            throw failed(url, "no response within " + span(idleTimeout));
        } catch (UnknownHostException e) {
            throw failed(url, "unknown host " + url.getHost() + " (no network?)");
        } catch (ConnectException e) {
            throw failed(url, "cannot connect to " + url.getHost() + " (no network?)");
        } catch (IOException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw failed(url, reason.lines().findFirst().orElse(reason) + resumable(part));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HarnessException(HarnessException.INTERRUPTED, "download of " + url + " interrupted");
        }
    }

    private void fetch(HttpClient http, URI url, Path part, String expectedSha256, long expectedBytes, Map<String, String> headers)
            throws IOException, InterruptedException {
        long have = Files.exists(part) ? Files.size(part) : 0;
        if (expectedBytes >= 0 && have > expectedBytes) have = restart(part);
        if (expectedBytes >= 0 && have == expectedBytes) return; // complete; verification decides
        PartValidator validator = have > 0 ? PartValidator.read(part) : null;
        String ifRange = validator == null ? null : validator.ifRange();
        // Without a validator nothing shows that the server's file is still the one the part began;
        // only a known sha256 would catch a splice, after the whole download. Start again instead.
        if (have > 0 && ifRange == null && expectedSha256 == null) have = restart(part);
        HttpResponse<InputStream> resp = send(http, url, headers, have, ifRange);
        int status = resp.statusCode();
        boolean append;
        try (InputStream body = resp.body()) {
            if (status == 206 && have > 0) {
                long from = rangeStart(resp);
                if (validator != null && validator.contradicts(resp)) {
                    // The server ignored If-Range although its file changed: what it sends belongs to another file.
                    body.close();
                    restart(part);
                    fetch(http, url, part, expectedSha256, expectedBytes, headers);
                    return;
                }
                if (from != have) {
                    // Appending at the wrong offset would make a file that only the checksum can catch.
                    restart(part);
                    throw new IOException("the server resumed at byte " + from + " instead of " + have);
                }
                append = true;
            } else if (status == 200) {
                append = false; // a changed file (If-Range), or a server that ignores ranges: the whole file again
                have = 0;
                PartValidator.ofFull(resp).write(part);
            } else if (status == 416 && have > 0) {
                // The part reaches the end of the file: complete, if it is still the same file.
                if (validator != null && validator.contradicts(resp)) {
                    restart(part);
                    fetch(http, url, part, expectedSha256, expectedBytes, headers);
                }
                return;
            } else {
                throw httpError(url, status);
            }
            long total = resp.headers().firstValueAsLong("Content-Length").orElse(-1L);
            if (total >= 0 && append) total += have;
            long limit = expectedBytes >= 0 ? expectedBytes : maxUnknownBytes;
            if (total > limit) {
                restart(part);
                throw tooLarge(url, expectedBytes, limit, "announces " + total + " bytes");
            }
            if (total < 0) total = expectedBytes;
            copy(url, body, part, append, have, total, limit, expectedBytes);
        }
    }

    /** Drops a part that cannot be resumed (and what was known about it); returns the bytes now held, 0. */
    private static long restart(Path part) throws IOException {
        Files.deleteIfExists(part);
        PartValidator.delete(part);
        return 0;
    }

    /** A server sending more than the file can hold: its size when known, else the cap for files of unknown size. */
    private static HarnessException tooLarge(URI url, long expectedBytes, long limit, String sends) {
        return HarnessException.badData("download of " + url + " refused: the server " + sends + ", more than "
                + (expectedBytes >= 0 ? "the " + expectedBytes + " bytes the file has" : limit + " bytes, the most taken for a file of unknown size"));
    }

    /**
     * Follows redirects itself rather than leaving it to HttpClient, so that the caller's headers
     * (a hub token) go only to the origin they were meant for, not to the CDN a hub redirects to.
     */
    private HttpResponse<InputStream> send(HttpClient http, URI url, Map<String, String> headers, long have, String ifRange)
            throws IOException, InterruptedException {
        URI at = url;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder req = HttpRequest.newBuilder(at).timeout(idleTimeout).GET();
            if (sameOrigin(url, at)) headers.forEach(req::header);
            if (have > 0) req.header("Range", "bytes=" + have + "-");
            if (have > 0 && ifRange != null) req.header("If-Range", ifRange);
            HttpResponse<InputStream> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
            int status = resp.statusCode();
            var location = resp.headers().firstValue("Location");
            if (!REDIRECTS.contains(status) || location.isEmpty()) return resp;
            resp.body().close();
            URI next = at.resolve(location.get());
            if ("http".equals(next.getScheme()) && "https".equals(at.getScheme())) {
                throw HarnessException.badData("download of " + url + " refused: redirected from https to " + next);
            }
            at = next;
        }
        throw HarnessException.badData("download of " + url + " failed: more than " + MAX_REDIRECTS + " redirects");
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    /** The first byte a 206 response holds, from {@code Content-Range: bytes START-END/TOTAL}. */
    private static long rangeStart(HttpResponse<?> resp) {
        String range = resp.headers().firstValue("Content-Range").orElse("");
        Matcher m = CONTENT_RANGE.matcher(range);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private void copy(URI url, InputStream body, Path part, boolean append, long start, long total, long limit, long expectedBytes)
            throws IOException {
        var options = append
                ? new StandardOpenOption[] {StandardOpenOption.CREATE, StandardOpenOption.APPEND}
                : new StandardOpenOption[] {StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE};
        long done = start;
        long t0 = System.nanoTime();
        long last = t0;
        // HttpClient has no read timeout: a server that stops sending would hang us for good. A
        // watchdog closes the body after idleTimeout without a byte, which fails the blocked read.
        AtomicLong lastByte = new AtomicLong(t0);
        AtomicBoolean stalled = new AtomicBoolean();
        Thread watchdog = Thread.ofVirtual().name("download-watchdog").start(() -> watch(body, lastByte, stalled));
        try (OutputStream out = Files.newOutputStream(part, options)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = body.read(buf)) >= 0) {
                if (n == 0) continue;
                if (done + n > limit) {
                    // A server that sends without end (or a file far larger than said) must not fill the disk.
                    out.close();
                    restart(part);
                    throw tooLarge(url, expectedBytes, limit, "sends more");
                }
                out.write(buf, 0, n);
                done += n;
                long now = System.nanoTime();
                lastByte.set(now);
                if (now - last >= REPORT_NANOS) {
                    last = now;
                    listener.progress(url, done, total, (done - start) / ((now - t0) / 1e9));
                }
            }
            if (stalled.get()) throw new IOException("no data for " + span(idleTimeout));
        } catch (IOException e) {
            if (stalled.get()) throw new IOException("no data for " + span(idleTimeout), e);
            throw e;
        } finally {
            watchdog.interrupt();
        }
        listener.finished(url, done);
    }

    private void watch(InputStream body, AtomicLong lastByte, AtomicBoolean stalled) {
        long idle = idleTimeout.toNanos();
        long tick = Math.max(1, Math.min(idleTimeout.toMillis() / 4, 1000));
        try {
            while (true) {
                Thread.sleep(tick);
                if (System.nanoTime() - lastByte.get() > idle) {
                    stalled.set(true);
                    body.close();
                    return;
                }
            }
        } catch (InterruptedException | IOException e) {
            // the download ended (interrupt) or the body is already closed
        }
    }

    private static void verify(URI url, Path part, String expectedSha256, long expectedBytes) throws IOException {
        long size = Files.size(part);
        if (expectedBytes >= 0 && size != expectedBytes) {
            if (size < expectedBytes) {
                // Kept, so that the next attempt resumes where this one stopped.
                throw HarnessException.badData("download of " + url + " stopped at " + size + " of " + expectedBytes
                        + " bytes; run again to resume");
            }
            restart(part);
            throw HarnessException.badData("download of " + url + " has " + size + " bytes, expected " + expectedBytes);
        }
        if (expectedSha256 != null) {
            String actual = Hashing.sha256(part);
            if (!actual.equalsIgnoreCase(expectedSha256)) {
                restart(part);
                throw new ChecksumMismatchException("download of " + url + " failed its checksum: sha256 " + actual
                        + ", expected " + expectedSha256);
            }
        }
    }

    private static String span(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static String resumable(Path part) {
        try {
            return Files.isRegularFile(part) && Files.size(part) > 0 ? "; run again to resume" : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static HarnessException httpError(URI url, int status) {
        return switch (status) {
            case 401, 403 -> HarnessException.badData("download of " + url + " was refused (HTTP " + status
                    + "); if it is a gated or private Hugging Face repository, set HF_TOKEN to a token with access");
            case 404 -> HarnessException.badData("not found at " + url + " (HTTP 404)");
            default -> HarnessException.badData("download of " + url + " failed: HTTP " + status);
        };
    }

    private static HarnessException failed(URI url, String reason) {
        return HarnessException.badData("download of " + url + " failed: " + reason);
    }
}
