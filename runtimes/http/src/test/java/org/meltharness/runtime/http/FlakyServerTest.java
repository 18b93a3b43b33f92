package org.meltharness.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.meltharness.HarnessException;
import org.meltharness.runtime.LoglikelihoodRequest;
import org.meltharness.runtime.LoglikelihoodResult;
import org.meltharness.runtime.ModelSource;
import org.meltharness.runtime.Runtime;
import org.meltharness.runtime.RuntimeConfig;

/** The HTTP runtime against scripted servers: retries, the OpenAI split by text_offset, missing log-probs. */
class FlakyServerTest {
    /** Answers "Answer:" + " yes" tokenized as ["Answer", ":", " y", "es"]. */
    private static final String ECHO = """
            {"choices": [{"index": 0, "text": "Answer: yes", "finish_reason": "length", "logprobs": {
              "tokens": ["Answer", ":", " y", "es"], "token_logprobs": [null, -1.5, -0.25, -0.5],
              "top_logprobs": [null, {":": -1.5}, {" n": -0.1}, {"es": -0.5}], "text_offset": [0, 6, 7, 9]}}]}
            """;
    /** What llama-server's /v1/completions answers: no echo, no prompt log-probs. */
    private static final String NO_ECHO = """
            {"choices": [{"index": 0, "text": "", "finish_reason": "length", "logprobs": null}]}
            """;

    private static HttpServer server(Function<Integer, Integer> script, String answer, AtomicInteger calls) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        s.createContext("/v1/models", ex -> reply(ex, 200, "{\"data\": [{\"id\": \"m\"}]}"));
        s.createContext("/v1/completions", ex -> {
            int n = calls.incrementAndGet();
            int status = script.apply(n);
            if (status == 0) {
                ex.close(); // drop the connection without an answer
                return;
            }
            reply(ex, status, status == 200 ? answer : status == 400
                    ? "{\"error\": {\"code\": 400, \"message\": \"Only no echo is supported\"}}"
                    : "{\"error\": {\"message\": \"busy\"}}");
        });
        s.start();
        return s;
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        if (status == 429) ex.getResponseHeaders().set("Retry-After", "0");
        ex.sendResponseHeaders(status, b.length);
        try (ex; var out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    private static Runtime open(HttpServer s) {
        Map<String, String> options = Map.of("endpoint", "http://127.0.0.1:" + s.getAddress().getPort(),
                "backoff_ms", "10", "retries", "4");
        return new HttpRuntimeProvider().open(new RuntimeConfig(new ModelSource("m", null, Map.of(), "main", null),
                "server", 0, Path.of("/tmp"), true, options));
    }

    @Test
    void retriesServerErrorsAndDroppedConnectionsAndCountsTheAnswerOnce() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        HttpServer s = server(n -> switch (n) {
            case 1 -> 503;
            case 2 -> 0;
            case 3 -> 429;
            default -> 200;
        }, ECHO, calls);
        try {
            List<LoglikelihoodResult> r = open(s).loglikelihood(List.of(new LoglikelihoodRequest("Answer:", " yes")));
            assertEquals(4, calls.get());
            assertEquals(1, r.size());
            assertEquals(-0.75, r.getFirst().logLikelihood(), 1e-12); // " y" and "es", split at text_offset 7
            assertEquals(2, r.getFirst().continuationTokens());
            assertEquals(2, r.getFirst().contextTokens());
            assertFalse(r.getFirst().greedy(), "' n' beat ' y'");
        } finally {
            s.stop(0);
        }
    }

    @Test
    void aServerErrorIsNotRetried() throws Exception {
        // A 500 is the server's own failure on this request: asked again, it fails again.
        AtomicInteger calls = new AtomicInteger();
        HttpServer s = server(n -> 500, ECHO, calls);
        try {
            Runtime runtime = open(s);
            HarnessException e = assertThrows(HarnessException.class,
                    () -> runtime.loglikelihood(List.of(new LoglikelihoodRequest("Answer:", " yes"))));
            assertEquals(1, calls.get(), e.getMessage());
        } finally {
            s.stop(0);
        }
    }

    @Test
    void aStalledAnswerBodyIsRetriedThenReportedNotWaitedOnForEver() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        s.createContext("/v1/models", ex -> reply(ex, 200, "{\"data\": [{\"id\": \"m\"}]}"));
        s.createContext("/v1/completions", ex -> {
            calls.incrementAndGet();
            // Headers and a first piece of the body, then nothing: HttpRequest.timeout alone never fires.
            ex.sendResponseHeaders(200, ECHO.length());
            ex.getResponseBody().write(ECHO.substring(0, 10).getBytes(StandardCharsets.UTF_8));
            ex.getResponseBody().flush();
            try {
                Thread.sleep(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        });
        s.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        s.start();
        try {
            Runtime runtime = new HttpRuntimeProvider().open(new RuntimeConfig(new ModelSource("m", null, Map.of(), "main", null),
                    "server", 0, Path.of("/tmp"), true, Map.of("endpoint", "http://127.0.0.1:" + s.getAddress().getPort(),
                    "backoff_ms", "10", "retries", "1", "timeout_s", "1")));
            HarnessException e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20),
                    () -> assertThrows(HarnessException.class,
                            () -> runtime.loglikelihood(List.of(new LoglikelihoodRequest("Answer:", " yes")))));
            assertEquals(2, calls.get(), "one try and one retry");
            assertTrue(e.getMessage().contains("no complete answer"), e.getMessage());
        } finally {
            s.stop(0);
        }
    }

    @Test
    void givesUpWithOneLineAfterTheRetries() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        HttpServer s = server(n -> 502, ECHO, calls);
        try {
            HarnessException e = assertThrows(HarnessException.class,
                    () -> open(s).loglikelihood(List.of(new LoglikelihoodRequest("Answer:", " yes"))));
            assertEquals(5, calls.get());
            assertTrue(e.getMessage().contains("gave up after 5 attempts"), e.getMessage());
        } finally {
            s.stop(0);
        }
    }

    @Test
    void refusesAServerWithoutPromptLogprobsInsteadOfScoringAtChance() throws Exception {
        HttpServer s = server(n -> 200, NO_ECHO, new AtomicInteger());
        try {
            HarnessException e = assertThrows(HarnessException.class,
                    () -> open(s).loglikelihood(List.of(new LoglikelihoodRequest("Answer:", " yes"))));
            assertEquals(HarnessException.UNSUPPORTED_MODEL, e.exitCode());
            assertTrue(e.getMessage().contains("returns no log-probs of prompt tokens"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        } finally {
            s.stop(0);
        }
    }

    @Test
    void refusesAServerThatRejectsEchoInOneLine() throws Exception {
        HttpServer s = server(n -> 400, ECHO, new AtomicInteger());
        try {
            HarnessException e = assertThrows(HarnessException.class,
                    () -> open(s).loglikelihood(List.of(new LoglikelihoodRequest("Answer:", " yes"))));
            assertEquals(HarnessException.UNSUPPORTED_MODEL, e.exitCode());
            assertTrue(e.getMessage().contains("returns no log-probs of prompt tokens")
                    && e.getMessage().contains("Only no echo is supported"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        } finally {
            s.stop(0);
        }
    }

    /** A server that streams three tokens after one 503, then on a later call stalls after one token. */
    private static HttpServer streaming(AtomicInteger calls) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        s.createContext("/v1/models", ex -> reply(ex, 200, "{\"data\": [{\"id\": \"m\"}]}"));
        s.createContext("/v1/completions", ex -> {
            int n = calls.incrementAndGet();
            if (n == 1) {
                reply(ex, 503, "{\"error\": {\"message\": \"busy\"}}");
                return;
            }
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            try (ex; var out = ex.getResponseBody()) {
                for (String t : List.of("Once", " upon", " a")) {
                    out.write(("data: {\"choices\": [{\"index\": 0, \"text\": \"" + t + "\", \"finish_reason\": null}]}\n\n")
                            .getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    if (n > 2) {
                        Thread.sleep(4000); // stalls
                        return;
                    }
                }
                out.write(("data: {\"choices\": [{\"index\": 0, \"text\": \"\", \"finish_reason\": \"length\"}], "
                        + "\"usage\": {\"prompt_tokens\": 1, \"completion_tokens\": 3}}\n\ndata: [DONE]\n\n")
                        .getBytes(StandardCharsets.UTF_8));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        s.start();
        return s;
    }

    @Test
    void streamsAfterARetryAndFailsAStalledStreamWithoutRepeatingTokens() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        HttpServer s = streaming(calls);
        try {
            Runtime runtime = new HttpRuntimeProvider().open(new RuntimeConfig(new ModelSource("m", null, Map.of(),
                    "main", null), "server", 0, Path.of("/tmp"), true, Map.of("endpoint", "http://127.0.0.1:"
                    + s.getAddress().getPort(), "backoff_ms", "1600", "timeout_s", "1")));
            StringBuilder seen = new StringBuilder();
            var g = runtime.generate(org.meltharness.runtime.GenerationRequest.greedy("", 3),
                    (id, text) -> seen.append(text));
            assertEquals("Once upon a", g.text());
            assertEquals(g.text(), seen.toString());
            assertEquals(3, g.tokenNanos().length);
            assertTrue(g.tokenNanos()[0] > 0 && g.tokenNanos()[0] <= g.tokenNanos()[2]);
            // The 503's backoff (at least 800 ms) is not time to first token: the clock restarts with each attempt.
            assertTrue(g.tokenNanos()[0] < 700_000_000L, "TTFT " + g.tokenNanos()[0] / 1e6 + " ms");
            assertEquals(org.meltharness.runtime.Generation.FinishReason.MAX_TOKENS, g.finishReason());
            assertEquals(2, calls.get());

            StringBuilder partial = new StringBuilder();
            HarnessException e = assertThrows(HarnessException.class, () -> runtime.generate(
                    org.meltharness.runtime.GenerationRequest.greedy("", 3), (id, text) -> partial.append(text)));
            assertTrue(e.getMessage().contains("lost mid-stream"), e.getMessage());
            assertEquals("Once", partial.toString(), "the token received is reported once, and not asked for again");
            assertEquals(3, calls.get());
        } finally {
            s.stop(0);
        }
    }

    @Test
    void connectionRefusedIsRetriedThenReportedQuickly() {
        Map<String, String> options = Map.of("endpoint", "http://127.0.0.1:9", "backoff_ms", "10", "retries", "2");
        long t0 = System.nanoTime();
        HarnessException e = assertThrows(HarnessException.class, () -> new HttpRuntimeProvider().open(
                new RuntimeConfig(new ModelSource("m", null, Map.of(), "main", null), "server", 0, Path.of("/tmp"), true,
                        options)));
        assertTrue(e.getMessage().contains("gave up after 3 attempts"), e.getMessage());
        assertTrue(System.nanoTime() - t0 < 10_000_000_000L);
    }

    @Test
    void unknownModelAndMissingEndpointAreUsageErrors() throws Exception {
        HttpServer s = server(n -> 200, ECHO, new AtomicInteger());
        try {
            HarnessException e = assertThrows(HarnessException.class, () -> new HttpRuntimeProvider().open(
                    new RuntimeConfig(new ModelSource("other", null, Map.of(), "main", null), "server", 0, Path.of("/tmp"),
                            true, Map.of("endpoint", "http://127.0.0.1:" + s.getAddress().getPort()))));
            assertTrue(e.getMessage().contains("does not serve model 'other'"), e.getMessage());
            HarnessException none = assertThrows(HarnessException.class, () -> new HttpRuntimeProvider().open(
                    new RuntimeConfig(new ModelSource("m", null, Map.of(), "main", null), "server", 0, Path.of("/tmp"),
                            true, Map.of())));
            assertEquals(HarnessException.USAGE, none.exitCode());
            HarnessException secret = assertThrows(HarnessException.class, () -> new HttpRuntimeProvider().open(
                    new RuntimeConfig(new ModelSource("m", null, Map.of(), "main", null), "server", 0, Path.of("/tmp"),
                            true, Map.of("endpoint", "http://user:sk-123@127.0.0.1:" + s.getAddress().getPort()))));
            assertEquals(HarnessException.USAGE, secret.exitCode());
            assertTrue(secret.getMessage().contains("must not carry a user or password"), secret.getMessage());
            assertFalse(secret.getMessage().contains("sk-123"), "the credential is not echoed");
        } finally {
            s.stop(0);
        }
    }
}
