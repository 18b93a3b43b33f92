package org.meltharness.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code serve} against clients that misbehave (issue 17, items 2, 3, 4, 9, 11 and 15): a stream
 * nobody reads, headers and bodies sent a byte at a time, idle connections up to the limit, too
 * many prompts, {@code max_tokens} at the window and beyond, a client that leaves before its turn,
 * an engine failure that names a path.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileClientsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private OpenAiServer server;
    private WatchedRuntime watched;

    @BeforeAll
    void start() {
        OpenAiServer.Settings settings = new OpenAiServer.Settings("127.0.0.1", 0, 4, 1 << 20, "k3y", 8, 8,
                Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(2), 4096);
        server = Served.startWith(settings, r -> watched = new WatchedRuntime(r));
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private HttpResponse<String> post(String path, Object body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer k3y")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private Socket raw() throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(1024); // before connecting: a small window, so an unread stream fills up soon
        s.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()));
        return s;
    }

    private static String request(String body, boolean stream) {
        return "POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer k3y\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
                + "\r\n\r\n" + body;
    }

    /** Reads until the server closes the connection; how long that took, in ms (-1 after {@code limitMs}). */
    private static long closedWithin(Socket s, long limitMs) throws IOException {
        long t0 = System.nanoTime();
        s.setSoTimeout((int) limitMs);
        InputStream in = s.getInputStream();
        try {
            while (in.read() >= 0) {
                // whatever the server says before it closes
            }
        } catch (java.net.SocketTimeoutException e) {
            return -1;
        } catch (IOException e) {
            // a reset counts as closed
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Test
    void aStreamNobodyReadsStallsNoOneAndIsDroppedAtTheWriteDeadline() throws Exception {
        long cancelledBefore = server.counters().cancelled();
        try (Socket stalled = raw()) {
            stalled.getOutputStream().write(request("{\"prompt\": \"Once\", \"max_tokens\": 500, \"ignore_eos\": true, "
                    + "\"stream\": true, \"echo\": true}", true).getBytes(StandardCharsets.UTF_8));
            stalled.getOutputStream().flush();
            Thread.sleep(200); // its generation is the worker's now
            // The worker hands chunks over without waiting: the next client is answered.
            HttpResponse<String> next = post("/completions", Map.of("prompt", "Lily", "max_tokens", 4));
            assertEquals(200, next.statusCode(), next.body());
            // The unread stream's writes make no progress: dropped after the idle timeout (2 s).
            long until = System.nanoTime() + 20_000_000_000L;
            while (server.counters().cancelled() == cancelledBefore && System.nanoTime() < until) Thread.sleep(100);
            assertTrue(server.counters().cancelled() > cancelledBefore, "the stalled stream was dropped");
        }
    }

    @Test
    void aRequestWaitingLongerThanTheIdleTimeoutIsStillAnswered() throws Exception {
        // Jetty asks the request at each idle timeout (2 s here): waiting for the model is not idle.
        long t0 = System.nanoTime();
        HttpResponse<String> r = post("/completions", Map.of("prompt", "Once", "max_tokens", WatchedRuntime.SLOW));
        assertEquals(200, r.statusCode(), r.body());
        assertTrue((System.nanoTime() - t0) / 1_000_000 >= WatchedRuntime.SLOW_MS);
    }

    @Test
    void headersSentAByteAtATimeAreCutAtTheHeaderDeadline() throws Exception {
        try (Socket slow = raw()) {
            OutputStream out = slow.getOutputStream();
            out.write("POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.UTF_8));
            Thread t = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < 40; i++) {
                        out.write('X');
                        out.flush();
                        Thread.sleep(250);
                    }
                } catch (IOException | InterruptedException e) {
                    // closed by the server: what the test waits for
                }
            });
            long ms = closedWithin(slow, 8_000);
            t.interrupt();
            assertTrue(ms >= 0 && ms < 5_000, "closed after " + ms + " ms (header deadline 1 s)");
        }
    }

    @Test
    void aBodySentAByteAtATimeIsCutAtTheBodyDeadline() throws Exception {
        try (Socket slow = raw()) {
            OutputStream out = slow.getOutputStream();
            out.write(("POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer k3y\r\n"
                    + "Content-Length: 100000\r\n\r\n{\"prompt\": \"").getBytes(StandardCharsets.UTF_8));
            Thread t = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < 40; i++) {
                        out.write('a');
                        out.flush();
                        Thread.sleep(250);
                    }
                } catch (IOException | InterruptedException e) {
                    // closed by the server
                }
            });
            long ms = closedWithin(slow, 8_000);
            t.interrupt();
            assertTrue(ms >= 0 && ms < 6_000, "closed after " + ms + " ms (body deadline 2 s)");
        }
    }

    @Test
    void idleConnectionsUpToTheLimitDelayAClientOnlyUntilTheHeaderDeadline() throws Exception {
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) idle.add(raw());
            Thread.sleep(100);
            long t0 = System.nanoTime();
            // A client of its own: a pooled connection would not need a new place.
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUrl()
                    + "/completions")).header("Authorization", "Bearer k3y").POST(HttpRequest.BodyPublishers.ofString(
                    "{\"prompt\": \"Ben\", \"max_tokens\": 2}")).build(), HttpResponse.BodyHandlers.ofString());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(ms >= 500, "the ninth connection waited for a place (" + ms + " ms)");
        } finally {
            for (Socket s : idle) s.close();
        }
    }

    @Test
    void promptCountsAndMaxTokensAreBoundedWithA400() throws Exception {
        HttpResponse<String> many = post("/completions", Map.of("prompt", List.of("a", "b", "c", "d", "e", "f", "g", "h", "i"),
                "max_tokens", 1));
        assertEquals(400, many.statusCode(), many.body());
        assertTrue(many.body().contains("at most 8 prompts"), many.body());
        for (long max : new long[] {512, 100_000, Integer.MAX_VALUE}) {
            HttpResponse<String> r = post("/completions", Map.of("prompt", "Once upon a time", "max_tokens", max));
            assertEquals(400, r.statusCode(), r.body());
            assertEquals("context_length_exceeded", JSON.readTree(r.body()).path("error").path("code").asText(), r.body());
        }
        HttpResponse<String> tooBig = post("/completions", Map.of("prompt", "Once", "max_tokens", 4_000_000_000L));
        assertEquals(400, tooBig.statusCode(), tooBig.body());
        // Near the window the prompt keeps its end (lm-eval's rule), and the answer says how much.
        String story = "Once upon a time, there was a little girl named Lily. ".repeat(12);
        JsonNode cut = JSON.readTree(post("/completions", Map.of("prompt", story, "max_tokens", 500, "ignore_eos", true))
                .body());
        assertEquals(12, cut.path("usage").path("prompt_tokens").asInt(), cut.toString());
        assertEquals(500, cut.path("usage").path("completion_tokens").asInt());
    }

    @Test
    void aClientThatLeavesBeforeItsTurnCostsNoWork() throws Exception {
        Thread longOne = Thread.ofVirtual().start(() -> {
            try {
                post("/completions", Map.of("prompt", "Once", "max_tokens", 400, "ignore_eos", true));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300);
        int before = watched.generations.get();
        long cancelled = server.counters().cancelled();
        try (Socket leaving = raw()) {
            leaving.getOutputStream().write(request("{\"prompt\": \"Tom\", \"max_tokens\": 8}", false)
                    .getBytes(StandardCharsets.UTF_8));
            leaving.getOutputStream().flush();
            Thread.sleep(200);
        } // closed while queued behind the long one
        longOne.join();
        long until = System.nanoTime() + 10_000_000_000L;
        while (server.counters().cancelled() == cancelled && System.nanoTime() < until) Thread.sleep(50);
        assertEquals(before, watched.generations.get(), "no generation ran for the client that left");
        assertTrue(server.counters().cancelled() > cancelled);
    }

    @Test
    void healthSaysLittleWithoutTheTokenAndFailuresNameNoPaths() throws Exception {
        HttpResponse<String> open = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl().replace("/v1", "/health")))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, open.statusCode());
        JsonNode h = JSON.readTree(open.body());
        assertEquals(List.of("status"), iterate(h.fieldNames()), open.body());
        JsonNode full = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(server.baseUrl().replace("/v1", "/health")))
                .header("Authorization", "Bearer k3y").build(), HttpResponse.BodyHandlers.ofString()).body());
        assertTrue(full.has("completed") && full.has("model"), full.toString());

        HttpResponse<String> failing = post("/completions", Map.of("prompt", "Once", "max_tokens", WatchedRuntime.FAILING));
        assertEquals(500, failing.statusCode(), failing.body());
        assertFalse(failing.body().contains("/home") || failing.body().contains("safetensors"), failing.body());
        assertEquals(0, watched.infoWhileBusy.get(), "info() is read once, never beside the worker");
    }

    private static List<String> iterate(java.util.Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
