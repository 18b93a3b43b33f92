package org.meltharness.runtime.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.meltharness.HarnessException;

/**
 * Calls an OpenAI-compatible server: JSON requests with retries (with backoff, honouring
 * {@code Retry-After}) on 429, 5xx and lost connections, and streamed (SSE) requests.
 *
 * <p>A request is retried only when no answer to it was received, and each call returns exactly
 * one answer, so no request is lost or counted twice. The API key is sent as a bearer token and
 * never appears in messages or logs.
 */
final class ApiClient {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * How the client talks to the server.
     *
     * @param base the API's base, such as {@code http://host:8080/v1}, without a trailing slash
     */
    record Settings(URI base, String apiKey, Duration timeout, int retries, Duration firstBackoff, Duration maxBackoff) {}

    /** An error answer that retrying will not fix. */
    static final class ServerError extends RuntimeException {
        final int status;

        ServerError(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private final Settings settings;
    private final HttpClient http;
    private final Consumer<String> log;

    ApiClient(Settings settings, Consumer<String> log) {
        this.settings = settings;
        this.log = log;
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    URI base() {
        return settings.base();
    }

    /** GET {@code path} (relative to the base, e.g. {@code models}). */
    JsonNode get(String path) {
        return call(path, null);
    }

    /** POST a JSON body to {@code path} and read the JSON answer, retrying as the class says. */
    JsonNode post(String path, JsonNode body) {
        return call(path, body);
    }

    private JsonNode call(String path, JsonNode body) {
        HttpRequest request = request(path, body, false);
        for (int attempt = 0; ; attempt++) {
            HttpResponse<String> response;
            // HttpRequest.timeout stops at the response headers; the body is bounded here, so that a
            // stalled body or a half-open connection is retried instead of waited on for ever.
            var pending = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
            try {
                response = pending.get(settings.timeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                pending.cancel(true);
                pause(attempt, null, "no complete answer from " + settings.base() + " within " + settings.timeout());
                continue;
            } catch (java.util.concurrent.ExecutionException e) {
                pause(attempt, null, "connection to " + settings.base() + " failed (" + e.getCause() + ")");
                continue;
            } catch (InterruptedException e) {
                pending.cancel(true);
                Thread.currentThread().interrupt();
                throw new HarnessException(HarnessException.INTERRUPTED, "interrupted");
            }
            int status = response.statusCode();
            if (status == 200) {
                try {
                    return MAPPER.readTree(response.body());
                } catch (IOException e) {
                    // A truncated answer is as good as none: ask again.
                    pause(attempt, null, "unreadable answer from " + settings.base() + " (" + e.getMessage() + ")");
                    continue;
                }
            }
            if (retryable(status)) {
                pause(attempt, response.headers().firstValue("Retry-After"),
                        "server answered " + status + " " + errorMessage(response.body()));
                continue;
            }
            throw new ServerError(status, "server " + settings.base() + " answered " + status + " to " + path + ": "
                    + errorMessage(response.body()));
        }
    }

    /**
     * POSTs {@code body} with {@code stream: true} and hands each event's JSON to {@code onEvent}
     * as it arrives. Retried only until the first event arrived: after that a retry would repeat
     * tokens already reported. A stream silent for longer than the timeout counts as lost.
     * {@code onSend} hears the moment each attempt is sent.
     */
    void stream(String path, JsonNode body, java.util.function.LongConsumer onSend, Consumer<JsonNode> onEvent) {
        HttpRequest request = request(path, body, true);
        for (int attempt = 0; ; attempt++) {
            SseLines lines = new SseLines();
            onSend.accept(System.nanoTime()); // each attempt's own start: a retry's backoff is not time to first token
            java.util.concurrent.CompletableFuture<HttpResponse<Void>> pending = http.sendAsync(request, lines);
            pending.whenComplete((r, t) -> {
                if (t != null) lines.fail(t instanceof java.util.concurrent.CompletionException && t.getCause() != null
                        ? t.getCause() : t);
            });
            boolean started = false;
            try {
                HttpResponse.ResponseInfo info = lines.head(settings.timeout());
                if (info.statusCode() != 200) {
                    String text = String.join("\n", lines.rest(settings.timeout()));
                    if (retryable(info.statusCode())) {
                        pause(attempt, info.headers().firstValue("Retry-After"),
                                "server answered " + info.statusCode() + " " + errorMessage(text));
                        continue;
                    }
                    throw new ServerError(info.statusCode(), "server " + settings.base() + " answered "
                            + info.statusCode() + " to " + path + ": " + errorMessage(text));
                }
                boolean done = false;
                for (String line; !done && (line = lines.next(settings.timeout())) != null; ) {
                    if (!line.startsWith("data:")) continue; // comments, event names, blank separators
                    String data = line.substring(5).strip();
                    if (data.equals("[DONE]")) {
                        done = true;
                        continue;
                    }
                    JsonNode event = MAPPER.readTree(data);
                    if (event.has("error")) {
                        throw new ServerError(500, "server " + settings.base() + " failed mid-stream: "
                                + event.path("error").path("message").asText(event.get("error").toString()));
                    }
                    started = true;
                    onEvent.accept(event);
                }
                if (done) return;
                if (!started) {
                    pause(attempt, null, "stream from " + settings.base() + " ended before any event");
                    continue;
                }
                throw HarnessException.badData("the stream from " + settings.base() + " ended without [DONE]; "
                        + "the generation is incomplete");
            } catch (IOException e) {
                if (started) {
                    throw HarnessException.network("the connection to " + settings.base()
                            + " was lost mid-stream; tokens already received cannot be asked for again: " + e);
                }
                pause(attempt, null, "stream from " + settings.base() + " failed (" + e + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HarnessException(HarnessException.INTERRUPTED, "interrupted");
            } finally {
                lines.cancel();
                pending.cancel(true);
            }
        }
    }

    /**
     * The lines of a streamed answer, handed from the client's threads to the caller through a
     * queue, so that the caller can wait for each with a timeout.
     */
    private static final class SseLines implements HttpResponse.BodyHandler<Void> {
        private static final Object END = new Object();
        private final java.util.concurrent.BlockingQueue<Object> queue = new java.util.concurrent.LinkedBlockingQueue<>();
        private volatile java.util.concurrent.Flow.Subscription subscription;

        @Override
        public HttpResponse.BodySubscriber<Void> apply(HttpResponse.ResponseInfo info) {
            queue.add(info);
            return HttpResponse.BodySubscribers.fromLineSubscriber(new java.util.concurrent.Flow.Subscriber<String>() {
                @Override
                public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
                    subscription = s;
                    s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(String line) {
                    queue.add(line);
                }

                @Override
                public void onError(Throwable t) {
                    queue.add(t);
                }

                @Override
                public void onComplete() {
                    queue.add(END);
                }
            });
        }

        HttpResponse.ResponseInfo head(Duration timeout) throws IOException, InterruptedException {
            Object o = take(timeout);
            if (o instanceof HttpResponse.ResponseInfo info) return info;
            throw new IOException("no response headers");
        }

        /** The next line, or null at the end of the body. */
        String next(Duration timeout) throws IOException, InterruptedException {
            Object o = take(timeout);
            if (o == END) return null;
            if (o instanceof String line) return line;
            throw new IOException("unexpected " + o);
        }

        List<String> rest(Duration timeout) throws IOException, InterruptedException {
            List<String> out = new java.util.ArrayList<>();
            for (String line; (line = next(timeout)) != null; ) out.add(line);
            return out;
        }

        private Object take(Duration timeout) throws IOException, InterruptedException {
            Object o = queue.poll(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            if (o == null) throw new java.net.http.HttpTimeoutException("nothing received for " + timeout.toSeconds() + " s");
            if (o instanceof Throwable t) {
                if (t instanceof IOException io) throw io;
                throw new IOException(t);
            }
            return o;
        }

        /** The request failed before or while its body arrived (connection refused, reset). */
        void fail(Throwable t) {
            queue.add(t);
        }

        void cancel() {
            java.util.concurrent.Flow.Subscription s = subscription;
            if (s != null) s.cancel();
        }
    }

    private HttpRequest request(String path, JsonNode body, boolean stream) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(settings.base() + "/" + path))
                .timeout(settings.timeout())
                .header("Accept", stream ? "text/event-stream" : "application/json");
        if (settings.apiKey() != null) b.header("Authorization", "Bearer " + settings.apiKey());
        if (body == null) {
            b.GET();
        } else {
            try {
                b.header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(MAPPER.writeValueAsBytes(body)));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return b.build();
    }

    /**
     * Statuses worth another try: the server was busy or a proxy in between failed. Not 500: a
     * server that failed on a request fails on it again (serve answers 4xx for bad requests and 500
     * only for its own faults), and retrying ran one bad request up to seven times.
     */
    private static boolean retryable(int status) {
        return status == 408 || status == 429 || status == 502 || status == 503 || status == 504;
    }

    /** Sleeps before the next attempt, or gives up after the last with {@code why}. */
    private void pause(int attempt, Optional<String> retryAfter, String why) {
        if (attempt >= settings.retries()) {
            throw HarnessException.network(why + "; gave up after " + (attempt + 1) + " attempts");
        }
        long ms = Math.min(settings.maxBackoff().toMillis(), settings.firstBackoff().toMillis() << Math.min(attempt, 20));
        ms = ms / 2 + ThreadLocalRandom.current().nextLong(ms / 2 + 1); // jitter, so clients do not retry in step
        if (retryAfter != null && retryAfter.isPresent()) {
            try {
                ms = Math.max(ms, Math.min(settings.maxBackoff().toMillis(), Long.parseLong(retryAfter.get().strip()) * 1000));
            } catch (NumberFormatException e) {
                // An HTTP-date Retry-After: the backoff stands.
            }
        }
        if (attempt == 0) log.accept(why + "; retrying");
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HarnessException(HarnessException.INTERRUPTED, "interrupted");
        }
    }

    /** The {@code error.message} of an OpenAI-style error body, else the body's first line. */
    static String errorMessage(String body) {
        if (body == null || body.isBlank()) return "(no body)";
        try {
            JsonNode n = MAPPER.readTree(body);
            JsonNode e = n.path("error");
            if (e.isTextual()) return e.asText();
            if (e.path("message").isTextual()) return e.path("message").asText();
        } catch (IOException e) {
            // not JSON: the text itself
        }
        String line = body.strip().lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
}
