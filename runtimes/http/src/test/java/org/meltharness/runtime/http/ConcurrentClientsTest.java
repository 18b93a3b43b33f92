package org.meltharness.runtime.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.meltharness.runtime.LoglikelihoodRequest;
import org.meltharness.runtime.LoglikelihoodResult;
import org.meltharness.runtime.ModelSource;
import org.meltharness.runtime.Runtime;
import org.meltharness.runtime.RuntimeConfig;

/**
 * More clients than {@code serve} admits: every request is answered, either completed (with its
 * own prompt's answer) or rejected with 503 and Retry-After; none is lost. The HTTP runtime,
 * retrying the rejected ones, gets every answer exactly once.
 */
class ConcurrentClientsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyRequestCompletesOrIsRejectedWith503() throws Exception {
        int clients = 12;
        int perClient = 4;
        try (OpenAiServer server = Served.startWith(2, null);
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            HttpClient http = HttpClient.newHttpClient();
            CountDownLatch go = new CountDownLatch(1);
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger rejected = new AtomicInteger();
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                futures.add(pool.submit(() -> {
                    go.await();
                    for (int k = 0; k < perClient; k++) {
                        String prompt = "Once upon a time, client " + client + " asked question " + k;
                        String body = JSON.writeValueAsString(Map.of("prompt", prompt, "max_tokens", 24, "echo", true));
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                                URI.create(server.baseUrl() + "/completions")).POST(
                                        HttpRequest.BodyPublishers.ofString(body)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        JsonNode answer = JSON.readTree(r.body());
                        if (r.statusCode() == 200) {
                            assertTrue(answer.path("choices").get(0).path("text").asText().startsWith(prompt), r.body());
                            ok.incrementAndGet();
                        } else {
                            assertEquals(503, r.statusCode(), r.body());
                            assertTrue(Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow()) >= 1);
                            assertEquals("server_overloaded", answer.path("error").path("code").asText());
                            rejected.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : futures) f.get();
            assertEquals(clients * perClient, ok.get() + rejected.get(), "every request answered");
            assertTrue(rejected.get() > 0, "with 12 clients and room for 3, some are turned away");
            OpenAiServer.Counters counters = server.counters();
            assertEquals(ok.get(), counters.completed());
            assertEquals(ok.get(), counters.accepted());
            assertEquals(rejected.get(), counters.rejected());
            assertEquals(0, counters.failed());
        }
    }

    @Test
    void runtimeRetriesRejectedRequestsAndLosesNone() {
        List<LoglikelihoodRequest> requests = new ArrayList<>();
        for (int i = 0; i < 48; i++) {
            requests.add(new LoglikelihoodRequest("Lily saw a " + (i % 7 == 0 ? "big" : "small") + " dog number " + i
                    + ". She", i % 2 == 0 ? " smiled." : " ran away."));
        }
        try (OpenAiServer server = Served.startWith(1, null)) {
            List<LoglikelihoodResult> serial = open(server, 1, 48).loglikelihood(requests);
            long rejectedBefore = server.counters().rejected();
            Runtime concurrent = open(server, 12, 1);
            List<LoglikelihoodResult> parallel = concurrent.loglikelihood(requests);
            assertTrue(server.counters().rejected() > rejectedBefore, "the queue of 1 turned some requests away");
            assertEquals(requests.size(), parallel.size());
            double[] a = serial.stream().mapToDouble(LoglikelihoodResult::logLikelihood).toArray();
            double[] b = parallel.stream().mapToDouble(LoglikelihoodResult::logLikelihood).toArray();
            for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], 1e-4, "request " + i);
            assertEquals(server.counters().accepted(), server.counters().completed());
        }
    }

    private static Runtime open(OpenAiServer server, int concurrency, int batch) {
        Map<String, String> options = new ConcurrentHashMap<>(Map.of("endpoint", server.baseUrl(), "concurrency",
                String.valueOf(concurrency), "batch", String.valueOf(batch), "backoff_ms", "20", "retries", "50"));
        return new HttpRuntimeProvider().open(new RuntimeConfig(new ModelSource(Served.model(), null, Map.of(), "main",
                null), "server", 0, Path.of("/tmp"), true, options));
    }
}
