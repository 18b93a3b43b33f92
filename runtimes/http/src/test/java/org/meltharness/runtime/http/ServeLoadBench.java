package org.meltharness.runtime.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Load test of {@code serve} (a main, not a test): many concurrent loopback clients, each sending a
 * fixed number of requests (alternately a scoring request with echo and logprobs, and a streamed
 * 16-token generation), without retrying; every request must come back completed or rejected with
 * 503 and Retry-After. Bounded in count and in time (a request not started by the deadline is not
 * sent; each has a 60 s timeout).
 *
 * <p>With {@code retry}, a rejected request is sent again after its Retry-After (up to 60 times),
 * as the HTTP runtime does, so that every request completes.
 *
 * <p>Usage: {@code ServeLoadBench [clients=64] [requests-per-client=8] [queue=16] [deadline-s=150] [retry]}
 */
public final class ServeLoadBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ServeLoadBench() {}

    /** One request's outcome. */
    record Outcome(String kind, int status, double ms, double ttftMs, long retryAfterSeconds, boolean own) {
        boolean retryAfter() {
            return retryAfterSeconds > 0;
        }
    }

    public static void main(String[] args) throws Exception {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int perClient = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int queue = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        long deadline = System.nanoTime() + (args.length > 3 ? Long.parseLong(args[3]) : 150) * 1_000_000_000L;
        boolean retry = args.length > 4 && args[4].equals("retry");
        AtomicInteger finished = new AtomicInteger();
        List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger unsent = new AtomicInteger();
        long t0;
        long t1;
        OpenAiServer.Counters counters;
        try (OpenAiServer server = Served.startWith(queue, null);
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI uri = URI.create(server.baseUrl() + "/completions");
            // Warm-up, so JIT compilation is not measured.
            for (int i = 0; i < 3; i++) send(http, uri, "Once upon a time", i % 2 == 0);
            OpenAiServer.Counters warm = server.counters();
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                futures.add(pool.submit(() -> {
                    go.await();
                    for (int k = 0; k < perClient; k++) {
                        if (System.nanoTime() > deadline) {
                            unsent.incrementAndGet();
                            continue;
                        }
                        String prompt = "Lily and Ben went to the park. Client " + client + " asks question " + k + ".";
                        try {
                            for (int attempt = 0; ; attempt++) {
                                Outcome o = send(http, uri, prompt, (client + k) % 2 == 0);
                                outcomes.add(o);
                                if (o.status() == 200) finished.incrementAndGet();
                                if (!retry || o.status() != 503 || attempt == 60) break;
                                Thread.sleep(1000L * o.retryAfterSeconds());
                            }
                        } catch (Exception e) {
                            errors.incrementAndGet();
                            System.err.println("client " + client + " request " + k + ": " + e);
                        }
                    }
                    return null;
                }));
            }
            t0 = System.nanoTime();
            go.countDown();
            for (Future<?> f : futures) f.get();
            t1 = System.nanoTime();
            OpenAiServer.Counters end = server.counters();
            counters = new OpenAiServer.Counters(end.accepted() - warm.accepted(), end.completed() - warm.completed(),
                    end.rejected() - warm.rejected(), end.failed() - warm.failed(), end.cancelled() - warm.cancelled());
        }
        report(clients, perClient, queue, outcomes, errors.get(), unsent.get(), (t1 - t0) / 1e9, counters, retry,
                finished.get());
    }

    static Outcome send(HttpClient http, URI uri, String prompt, boolean stream) throws Exception {
        Map<String, Object> body = stream
                ? Map.of("prompt", prompt, "max_tokens", 16, "stream", true, "ignore_eos", true)
                : Map.of("prompt", prompt, "max_tokens", 0, "echo", true, "logprobs", 1);
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
        long s = System.nanoTime();
        if (!stream) {
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            double ms = (System.nanoTime() - s) / 1e6;
            boolean own = r.statusCode() == 200
                    && JSON.readTree(r.body()).path("choices").get(0).path("text").asText().equals(prompt);
            return new Outcome("score", r.statusCode(), ms, Double.NaN,
                    r.headers().firstValue("Retry-After").map(Long::parseLong).orElse(0L), own || r.statusCode() != 200);
        }
        HttpResponse<java.util.stream.Stream<String>> r = http.send(req, HttpResponse.BodyHandlers.ofLines());
        double ttft = Double.NaN;
        int tokens = 0;
        boolean done = false;
        try (var lines = r.body()) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (!line.startsWith("data: ")) continue;
                if (line.equals("data: [DONE]")) {
                    done = true;
                    continue;
                }
                JsonNode ev = JSON.readTree(line.substring(6));
                if (r.statusCode() == 200 && !ev.path("choices").isEmpty()
                        && !ev.path("choices").get(0).path("text").asText().isEmpty()) {
                    if (tokens++ == 0) ttft = (System.nanoTime() - s) / 1e6;
                }
            }
        }
        double ms = (System.nanoTime() - s) / 1e6;
        boolean own = r.statusCode() != 200 || done && tokens == 16;
        return new Outcome("stream", r.statusCode(), ms, ttft, r.headers().firstValue("Retry-After").map(Long::parseLong).orElse(0L), own);
    }

    private static void report(int clients, int perClient, int queue, List<Outcome> all, int errors, int unsent,
            double seconds, OpenAiServer.Counters counters, boolean retry, int finished) {
        long ok = all.stream().filter(o -> o.status() == 200).count();
        long rejected = all.stream().filter(o -> o.status() == 503 && o.retryAfter()).count();
        long other = all.size() - ok - rejected;
        long wrong = all.stream().filter(o -> !o.own()).count();
        int sent = clients * perClient - unsent;
        System.out.printf(Locale.ROOT, "clients %d x %d requests, queue %d%s: %d requests sent in %d attempts, %d completed, "
                + "%d attempts rejected (503 + Retry-After), %d other statuses, %d client errors, %d wrong answers, %d not "
                + "sent (deadline); %.1f s%n", clients, perClient, queue, retry ? ", clients retry after Retry-After" : "",
                sent, all.size(), ok, rejected, other, errors, wrong, unsent, seconds);
        System.out.printf(Locale.ROOT, "server counters: accepted %d, completed %d, rejected %d, failed %d%n",
                counters.accepted(), counters.completed(), counters.rejected(), counters.failed());
        System.out.printf(Locale.ROOT, "throughput %.1f completed requests/s%n", ok / seconds);
        for (String kind : List.of("score", "stream")) {
            double[] lat = all.stream().filter(o -> o.status() == 200 && o.kind().equals(kind))
                    .mapToDouble(Outcome::ms).sorted().toArray();
            double[] rej = all.stream().filter(o -> o.status() == 503 && o.kind().equals(kind))
                    .mapToDouble(Outcome::ms).sorted().toArray();
            System.out.printf(Locale.ROOT, "%-6s completed %3d  latency ms p50 %.0f p95 %.0f max %.0f;  rejected %3d "
                    + "answered in ms p50 %.1f max %.1f%n", kind, lat.length, pct(lat, 50), pct(lat, 95), pct(lat, 100),
                    rej.length, pct(rej, 50), pct(rej, 100));
        }
        double[] ttft = all.stream().filter(o -> o.status() == 200 && o.kind().equals("stream"))
                .mapToDouble(Outcome::ttftMs).sorted().toArray();
        System.out.printf(Locale.ROOT, "stream TTFT ms p50 %.0f p95 %.0f max %.0f%n", pct(ttft, 50), pct(ttft, 95),
                pct(ttft, 100));
        boolean pass = other == 0 && errors == 0 && wrong == 0 && ok + rejected == all.size() && finished == ok
                && (retry ? ok == sent : all.size() == sent) && counters.completed() == ok
                && counters.rejected() == rejected && counters.failed() == 0;
        System.out.println(pass ? "PASS: every request completed or was rejected with 503; none lost"
                : "FAIL: requests lost or answered wrongly");
        if (!pass) System.exit(1);
    }

    private static double pct(double[] sorted, double p) {
        if (sorted.length == 0) return Double.NaN;
        int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
