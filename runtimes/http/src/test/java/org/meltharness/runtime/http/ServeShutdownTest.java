package org.meltharness.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Closing {@code serve} (Ctrl-C) in the middle of a long generation, and what {@code serve} says
 * when it listens beyond loopback without a key (issue 17, items 7, 9 and 11).
 */
class ServeShutdownTest {

    @Test
    void closeStopsTheGenerationAndClosesTheModelOnlyAfterTheWorkerLeftIt() throws Exception {
        WatchedRuntime[] watched = new WatchedRuntime[1];
        OpenAiServer server = Served.startWith(new OpenAiServer.Settings("127.0.0.1", 0, 2, 1 << 20, null),
                r -> watched[0] = new WatchedRuntime(r));
        HttpClient http = HttpClient.newHttpClient();
        CountDownLatch firstToken = new CountDownLatch(1);
        AtomicInteger events = new AtomicInteger();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                HttpResponse<java.io.InputStream> r = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl()
                        + "/completions")).POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"Once\", \"max_tokens\": "
                        + "500, \"ignore_eos\": true, \"stream\": true}")).build(), HttpResponse.BodyHandlers.ofInputStream());
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                    for (String line; (line = lines.readLine()) != null; ) {
                        if (line.startsWith("data: ")) {
                            events.incrementAndGet();
                            firstToken.countDown();
                        }
                    }
                }
            } catch (Exception e) {
                // The server went away mid-stream: expected.
            }
        });
        assertTrue(firstToken.await(60, TimeUnit.SECONDS), "the stream started");
        // The model's facts are read once, at start: asking for them does not touch the runtime.
        for (int i = 0; i < 5; i++) {
            assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/models")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
        }
        long t0 = System.nanoTime();
        server.close();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        reader.join(10_000);
        assertEquals(0, watched[0].infoWhileBusy.get(), "info() beside the worker");
        assertEquals(0, watched[0].closedWhileBusy.get(), "the model was closed while the worker was in it");
        assertTrue(watched[0].closed.get());
        assertTrue(events.get() < 400, "the generation stopped at close, after " + events.get() + " events");
        assertTrue(ms < 20_000, "close took " + ms + " ms");
    }

    @Test
    void listeningBeyondLoopbackWithoutAKeyIsWarnedAbout() {
        StringWriter err = new StringWriter();
        ServeCommand cmd = new ServeCommand();
        new CommandLine(cmd).parseArgs("--model", Served.model(), "--runtime", "jlama", "--port", "0", "--threads", "1",
                "--offline", "--host", "0.0.0.0");
        try (OpenAiServer server = cmd.open(new PrintWriter(err, true))) {
            assertTrue(server.port() > 0);
            assertTrue(err.toString().contains("warning: serving on 0.0.0.0 without --api-key-env"), err.toString());
        }
        StringWriter quiet = new StringWriter();
        ServeCommand local = new ServeCommand();
        new CommandLine(local).parseArgs("--model", Served.model(), "--runtime", "jlama", "--port", "0", "--threads", "1",
                "--offline");
        try (OpenAiServer server = local.open(new PrintWriter(quiet, true))) {
            assertTrue(server.port() > 0);
            assertTrue(!quiet.toString().contains("warning"), quiet.toString());
        }
    }
}
