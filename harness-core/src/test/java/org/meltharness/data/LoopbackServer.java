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

/**
 * A real HTTP server on 127.0.0.1 serving byte arrays, honouring {@code Range} unless told not
 * to, and able to end a response early, for download tests.
 */
public final class LoopbackServer implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    /** Paths whose next response stops after this many bytes. */
    public final Map<String, Integer> cutAfter = new ConcurrentHashMap<>();
    /** Range request headers seen, in order. */
    public final List<String> ranges = new CopyOnWriteArrayList<>();
    /** Authorization headers seen, in order. */
    public final List<String> authorizations = new CopyOnWriteArrayList<>();
    public volatile boolean ignoreRanges;
    public volatile String requiredToken;

    public LoopbackServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
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
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth != null) authorizations.add(auth);
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
        String range = ex.getRequestHeaders().getFirst("Range");
        int from = 0;
        int status = 200;
        if (range != null) {
            ranges.add(range);
            if (!ignoreRanges) {
                from = Integer.parseInt(range.replaceAll("bytes=(\\d+)-.*", "$1"));
                status = 206;
                ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
            }
        }
        int length = body.length - from;
        Integer cut = cutAfter.remove(path);
        // A cut response is sent chunked, so that ending it early looks like a connection that
        // dropped after some bytes rather than a server still owing them.
        ex.sendResponseHeaders(status, cut == null ? length : 0);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body, from, cut == null ? length : Math.min(cut, length));
        } catch (IOException e) {
            // the client went away
        }
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
