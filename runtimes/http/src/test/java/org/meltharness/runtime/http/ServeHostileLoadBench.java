package org.meltharness.runtime.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load test of {@code serve} under hostile clients (a main, not a test): 64 clients, of which 40
 * are honest (each sends its requests, alternately a scoring request and a streamed 16-token
 * generation, and retries after a 503's Retry-After as the HTTP runtime does), 8 start a long
 * stream and never read it, 8 send their headers one byte a second (again whenever cut off), and
 * 8 send 8 MiB bodies over and over. Passes when every honest request completes with its own
 * answer within its 60 s timeout, none lost. {@code serve} runs with its defaults.
 *
 * <p>Usage: {@code ServeHostileLoadBench [honest-requests-per-client=4] [deadline-s=240]}
 */
public final class ServeHostileLoadBench {
    private ServeHostileLoadBench() {}

    public static void main(String[] args) throws Exception {
        int perClient = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        long deadline = System.nanoTime() + (args.length > 1 ? Long.parseLong(args[1]) : 240) * 1_000_000_000L;
        List<ServeLoadBench.Outcome> honest = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger honestErrors = new AtomicInteger();
        AtomicInteger retries = new AtomicInteger();
        AtomicLong headerCuts = new AtomicLong();
        AtomicLong bigAnswered = new AtomicLong();
        AtomicLong bigStatusOther = new AtomicLong();
        AtomicInteger unread = new AtomicInteger();
        AtomicInteger stop = new AtomicInteger();
        double seconds;
        OpenAiServer.Counters counters;
        try (OpenAiServer server = Served.start("--name", "stories260K");
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI uri = URI.create(server.baseUrl() + "/completions");
            int port = server.port();
            for (int i = 0; i < 3; i++) ServeLoadBench.send(http, uri, "Once upon a time", i % 2 == 0);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> honestDone = new ArrayList<>();
            List<Future<?>> hostile = new ArrayList<>();
            for (int c = 0; c < 40; c++) {
                int client = c;
                honestDone.add(pool.submit(() -> {
                    go.await();
                    for (int k = 0; k < perClient && System.nanoTime() < deadline; k++) {
                        String prompt = "Lily and Ben went to the park. Client " + client + " asks question " + k + ".";
                        try {
                            for (int attempt = 0; ; attempt++) {
                                ServeLoadBench.Outcome o = ServeLoadBench.send(http, uri, prompt, (client + k) % 2 == 0);
                                if (o.status() == 503 && attempt < 100) {
                                    retries.incrementAndGet();
                                    Thread.sleep(Math.max(1, o.retryAfterSeconds()) * 1000L);
                                    continue;
                                }
                                honest.add(o);
                                break;
                            }
                        } catch (Exception e) {
                            honestErrors.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (int c = 0; c < 8; c++) {
                hostile.add(pool.submit(() -> neverReads(port, go, stop, unread)));
                hostile.add(pool.submit(() -> slowHeaders(port, go, stop, headerCuts)));
                hostile.add(pool.submit(() -> bigBodies(port, go, stop, bigAnswered, bigStatusOther)));
            }
            long t0 = System.nanoTime();
            go.countDown();
            for (Future<?> f : honestDone) f.get();
            seconds = (System.nanoTime() - t0) / 1e9;
            stop.set(1);
            for (Future<?> f : hostile) f.cancel(true);
            counters = server.counters();
        }
        long ok = honest.stream().filter(o -> o.status() == 200 && o.own()).count();
        long other = honest.size() - ok;
        int expected = 40 * perClient;
        System.out.printf(Locale.ROOT, "honest: %d of %d requests completed with their own answer, %d other, %d client "
                + "errors, %d retries after 503; %.1f s%n", ok, expected, other, honestErrors.get(), retries.get(), seconds);
        for (String kind : List.of("score", "stream")) {
            double[] lat = honest.stream().filter(o -> o.status() == 200 && o.kind().equals(kind))
                    .mapToDouble(ServeLoadBench.Outcome::ms).sorted().toArray();
            System.out.printf(Locale.ROOT, "%-6s completed %3d  latency ms p50 %.0f p95 %.0f max %.0f (last attempt)%n",
                    kind, lat.length, pct(lat, 50), pct(lat, 95), pct(lat, 100));
        }
        System.out.printf(Locale.ROOT, "hostile: %d unread streams sent, %d slow-header connections cut by the server, "
                + "%d 8 MiB bodies answered 400/413/503, %d otherwise%n", unread.get(), headerCuts.get(), bigAnswered.get(),
                bigStatusOther.get());
        System.out.printf(Locale.ROOT, "server counters: accepted %d, completed %d, rejected %d, failed %d, cancelled %d%n",
                counters.accepted(), counters.completed(), counters.rejected(), counters.failed(), counters.cancelled());
        boolean pass = ok == expected && other == 0 && honestErrors.get() == 0 && counters.failed() == 0;
        System.out.println(pass ? "PASS: every honest request answered, none lost" : "FAIL: honest requests lost");
        if (!pass) System.exit(1);
    }

    private static String head(int length) {
        return "POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                + length + "\r\n\r\n";
    }

    /** Starts a 400-token stream and never reads it; holds the socket until the end. */
    private static Void neverReads(int port, CountDownLatch go, AtomicInteger stop, AtomicInteger sent) throws Exception {
        go.await();
        String body = "{\"prompt\": \"Once\", \"max_tokens\": 400, \"ignore_eos\": true, \"stream\": true}";
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(1024);
            s.connect(new java.net.InetSocketAddress("127.0.0.1", port));
            s.getOutputStream().write((head(body.length()) + body).getBytes(StandardCharsets.UTF_8));
            sent.incrementAndGet();
            while (stop.get() == 0) Thread.sleep(200);
        }
        return null;
    }

    /** Sends headers one byte a second; starts again when the server cuts it off. */
    private static Void slowHeaders(int port, CountDownLatch go, AtomicInteger stop, AtomicLong cuts) throws Exception {
        go.await();
        byte[] h = head(20).getBytes(StandardCharsets.UTF_8);
        while (stop.get() == 0) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                OutputStream out = s.getOutputStream();
                for (int i = 0; i < h.length && stop.get() == 0; i++) {
                    out.write(h[i]);
                    out.flush();
                    Thread.sleep(1000);
                }
            } catch (IOException e) {
                cuts.incrementAndGet(); // the server closed it
            }
        }
        return null;
    }

    /** Sends an 8 MiB prompt, reads the status, again and again. */
    private static Void bigBodies(int port, CountDownLatch go, AtomicInteger stop, AtomicLong answered, AtomicLong other)
            throws Exception {
        go.await();
        byte[] prefix = "{\"prompt\": \"".getBytes(StandardCharsets.UTF_8);
        byte[] suffix = "\", \"max_tokens\": 1}".getBytes(StandardCharsets.UTF_8);
        int length = 8 << 20;
        byte[] body = new byte[length];
        java.util.Arrays.fill(body, (byte) 'a');
        System.arraycopy(prefix, 0, body, 0, prefix.length);
        System.arraycopy(suffix, 0, body, length - suffix.length, suffix.length);
        while (stop.get() == 0) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(60_000);
                OutputStream out = s.getOutputStream();
                out.write(head(length).getBytes(StandardCharsets.UTF_8));
                out.write(body);
                out.flush();
                InputStream in = s.getInputStream();
                String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
                if (status.endsWith("400") || status.endsWith("413") || status.endsWith("503")) answered.incrementAndGet();
                else other.incrementAndGet();
            } catch (IOException e) {
                other.incrementAndGet();
            }
        }
        return null;
    }

    private static double pct(double[] sorted, double p) {
        if (sorted.length == 0) return Double.NaN;
        int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
