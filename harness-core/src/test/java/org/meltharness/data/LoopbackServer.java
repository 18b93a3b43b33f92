package org.meltharness.data;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real HTTP server on 127.0.0.1 serving byte arrays, honouring {@code Range} unless told not
 * to, and able to end a response early, stall, or send slowly, for download tests.
 */
public final class LoopbackServer implements AutoCloseable {
    private final HttpServer server;
    // One thread per exchange, so that a stalled response does not hold up the next request.
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    /** Paths whose next response stops after this many bytes. */
    public final Map<String, Integer> cutAfter = new ConcurrentHashMap<>();
    /** Paths whose next response sends this many bytes and then nothing more until the client gives up. */
    public final Map<String, Integer> stallAfter = new ConcurrentHashMap<>();
    /** Paths answered with a 302 to the given address. */
    public final Map<String, URI> redirects = new ConcurrentHashMap<>();
    /** Range request headers seen, in order. */
    public final List<String> ranges = new CopyOnWriteArrayList<>();
    /** Authorization headers seen, in order. */
    public final List<String> authorizations = new CopyOnWriteArrayList<>();
    /** Paths requested, in order. */
    public final List<String> requests = new CopyOnWriteArrayList<>();
    /** ETag and Last-Modified headers sent with each path's responses, where set. */
    public final Map<String, String> etags = new ConcurrentHashMap<>();
    public final Map<String, String> lastModified = new ConcurrentHashMap<>();
    /** If-Range request headers seen, in order. */
    public final List<String> ifRanges = new CopyOnWriteArrayList<>();
    /**
     * Paths answered with no length and a body that goes on (as a hostile server's would) for 64 MiB,
     * far beyond what the tests allow, so that a client without a cap fails its test rather than the disk.
     */
    public final java.util.Set<String> endless = ConcurrentHashMap.newKeySet();
    public volatile boolean ignoreRanges;
    /** Serve the range even when If-Range names another version (a server that ignores If-Range). */
    public volatile boolean ignoreIfRange;
    public volatile String requiredToken;
    /** When above 0, bodies go out in pieces of this many bytes with {@link #pauseMillis} between. */
    public volatile int chunkBytes;
    public volatile long pauseMillis;

    public LoopbackServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public void put(String path, byte[] content) {
        files.put(path, content);
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        requests.add(path);
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth != null) authorizations.add(auth);
        URI redirect = redirects.get(path);
        if (redirect != null) {
            ex.getResponseHeaders().add("Location", redirect.toString());
            ex.sendResponseHeaders(302, -1);
            ex.close();
            return;
        }
        if (requiredToken != null && !("Bearer " + requiredToken).equals(auth)) {
            ex.sendResponseHeaders(401, -1);
            ex.close();
            return;
        }
        byte[] body = files.get(path);
        if (body == null) {
            ex.sendResponseHeaders(404, -1);
            ex.close();
            return;
        }
        String etag = etags.get(path);
        String modified = lastModified.get(path);
        if (etag != null) ex.getResponseHeaders().add("ETag", etag);
        if (modified != null) ex.getResponseHeaders().add("Last-Modified", modified);
        if (endless.contains(path)) {
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                for (long sent = 0; sent < 64L << 20; sent += body.length) out.write(body);
            } catch (IOException e) {
                // the client gave up
            }
            ex.close();
            return;
        }
        String range = ex.getRequestHeaders().getFirst("Range");
        String ifRange = ex.getRequestHeaders().getFirst("If-Range");
        if (ifRange != null) ifRanges.add(ifRange);
        // RFC 9110: a range whose If-Range names another version than the current one is ignored (200, whole file).
        boolean sameVersion = ifRange == null || ignoreIfRange || ifRange.equals(etag) || ifRange.equals(modified);
        int from = 0;
        int status = 200;
        if (range != null && !sameVersion) ranges.add(range);
        if (range != null && sameVersion) {
            ranges.add(range);
            if (!ignoreRanges) {
                from = Integer.parseInt(range.replaceAll("bytes=(\\d+)-.*", "$1"));
                status = 206;
                ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
            }
        }
        int length = body.length - from;
        Integer cut = cutAfter.remove(path);
        Integer stall = stallAfter.remove(path);
        // A cut response is sent chunked, so that ending it early looks like a connection that
        // dropped after some bytes rather than a server still owing them.
        ex.sendResponseHeaders(status, cut == null ? length : 0);
        try (OutputStream out = ex.getResponseBody()) {
            int end = from + (cut == null ? length : Math.min(cut, length));
            if (stall != null) end = Math.min(end, from + stall);
            int step = chunkBytes > 0 ? chunkBytes : end - from;
            for (int at = from; at < end; at += step) {
                out.write(body, at, Math.min(step, end - at));
                out.flush();
                if (chunkBytes > 0) Thread.sleep(pauseMillis);
            }
            if (stall != null) Thread.sleep(60_000); // until the client closes or the server stops
        } catch (IOException | InterruptedException e) {
            // the client went away, or the test is over
        }
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
