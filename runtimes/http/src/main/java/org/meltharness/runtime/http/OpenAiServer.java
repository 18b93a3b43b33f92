package org.meltharness.runtime.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.meltharness.HarnessException;

/**
 * The OpenAI-compatible HTTP front of one {@link ServedModel}.
 *
 * <p>Built on the JDK's {@code com.sun.net.httpserver}: it needs no extra dependency and is
 * enough here, since the model, not the transport, limits throughput (one request computes at a
 * time). Connections are handled on virtual threads; the model runs on a single worker thread
 * fed by a bounded queue, because a {@link org.meltharness.runtime.Runtime} is used from one
 * thread at a time. A request that finds the queue full is answered 503 with {@code Retry-After}.
 */
public final class OpenAiServer implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** How the server is set up. */
    public record Settings(String host, int port, int queue, long maxBodyBytes, String apiKey) {
        public Settings {
            if (queue < 0) throw new IllegalArgumentException("queue must not be negative");
            if (maxBodyBytes < 1) throw new IllegalArgumentException("maxBodyBytes must be positive");
        }
    }

    /** Counts of what the server answered, for /health and the load test. */
    public record Counters(long accepted, long completed, long rejected, long failed) {}

    private final ServedModel model;
    private final Settings settings;
    private final HttpServer server;
    private final ExecutorService connections = Executors.newVirtualThreadPerTaskExecutor();
    private final ThreadPoolExecutor worker;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    /** Exponential moving average of a request's service time, for Retry-After. */
    private volatile double meanServiceSeconds = 0.5;
    private final Consumer<String> log;

    private OpenAiServer(ServedModel model, Settings settings, Consumer<String> log) throws IOException {
        this.model = model;
        this.settings = settings;
        this.log = log;
        // SynchronousQueue semantics for queue 0: only the running request is admitted.
        this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
                settings.queue() == 0 ? new java.util.concurrent.SynchronousQueue<>()
                        : new ArrayBlockingQueue<>(settings.queue()),
                Thread.ofPlatform().name("serve-model").daemon(true).factory());
        this.server = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 256);
        server.setExecutor(connections);
        server.createContext("/", this::handle);
    }

    /** Starts serving {@code model}; the server owns it from here on and closes it. */
    public static OpenAiServer start(ServedModel model, Settings settings, Consumer<String> log) {
        try {
            OpenAiServer s = new OpenAiServer(model, settings, log);
            s.server.start();
            return s;
        } catch (IOException e) {
            model.close();
            throw HarnessException.usage("cannot listen on " + settings.host() + ":" + settings.port() + ": "
                    + e.getMessage());
        }
    }

    /** The port bound (useful when 0 asked for an ephemeral one). */
    public int port() {
        return server.getAddress().getPort();
    }

    public String baseUrl() {
        return "http://" + settings.host() + ":" + port() + "/v1";
    }

    public String modelId() {
        return model.id();
    }

    public Counters counters() {
        return new Counters(accepted.get(), completed.get(), rejected.get(), failed.get());
    }

    private void handle(HttpExchange ex) {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            try {
                route(ex, method, path);
            } catch (ApiError e) {
                sendError(ex, e);
            } catch (HarnessException e) {
                sendError(ex, ApiError.badRequest(null, e.getMessage()));
            } catch (UncheckedIOException e) {
                // The client went away; nothing left to tell it.
            } catch (RuntimeException e) {
                failed.incrementAndGet();
                sendError(ex, ApiError.internal(String.valueOf(e.getMessage())));
            }
        } catch (IOException e) {
            // The client went away while the answer was written.
        }
    }

    private void route(HttpExchange ex, String method, String path) throws IOException {
        if (path.equals("/health") || path.equals("/v1/health")) {
            requireMethod(method, path, "GET");
            ObjectNode h = ServedModel.JSON.objectNode();
            h.put("status", "ok");
            h.put("model", model.id());
            h.put("queued", worker.getQueue().size());
            h.put("capacity", settings.queue());
            Counters c = counters();
            h.put("accepted", c.accepted());
            h.put("completed", c.completed());
            h.put("rejected", c.rejected());
            sendJson(ex, 200, h);
            return;
        }
        checkAuth(ex);
        switch (path) {
            case "/v1/models" -> {
                requireMethod(method, path, "GET");
                ObjectNode list = ServedModel.JSON.objectNode();
                list.put("object", "list");
                list.putArray("data").add(model.modelEntry());
                sendJson(ex, 200, list);
            }
            case "/v1/completions" -> {
                requireMethod(method, path, "POST");
                JsonNode body = readBody(ex);
                CompletionRequest r = CompletionRequest.completion(body, 256);
                model.checkModel(r.model());
                run(ex, r, model.prepare(r));
            }
            case "/v1/chat/completions" -> {
                requireMethod(method, path, "POST");
                JsonNode body = readBody(ex);
                model.checkModel(body.hasNonNull("model") ? CompletionRequest.text(body, "model") : null);
                CompletionRequest r = CompletionRequest.chat(body, model.render(body.get("messages")));
                run(ex, r, model.prepare(r));
            }
            default -> {
                if (path.startsWith("/v1/models/")) {
                    requireMethod(method, path, "GET");
                    model.checkModel(path.substring("/v1/models/".length()));
                    sendJson(ex, 200, model.modelEntry());
                } else {
                    throw ApiError.notFound(method, path);
                }
            }
        }
    }

    /** Queues the request for the model's thread and answers with its result (or streams it). */
    private void run(HttpExchange ex, CompletionRequest r, java.util.List<ServedModel.Input> in) throws IOException {
        Future<ObjectNode> f;
        try {
            f = worker.submit(() -> {
                long t0 = System.nanoTime();
                try {
                    if (!r.stream()) return model.complete(r, in, () -> false);
                    stream(ex, r, in.getFirst());
                    return null;
                } finally {
                    double s = (System.nanoTime() - t0) / 1e9;
                    meanServiceSeconds = 0.8 * meanServiceSeconds + 0.2 * s;
                }
            });
        } catch (RejectedExecutionException e) {
            rejected.incrementAndGet();
            // A place frees when the running request ends: about one service time away.
            long wait = Math.max(1, (long) Math.ceil(meanServiceSeconds));
            throw ApiError.overloaded(settings.queue(), wait);
        }
        accepted.incrementAndGet();
        ObjectNode answer;
        try {
            answer = f.get();
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw ApiError.internal("interrupted");
        } catch (CancellationException e) {
            throw ApiError.internal("cancelled");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof ApiError a) throw a;
            if (c instanceof UncheckedIOException u) throw u;
            if (c instanceof HarnessException h) throw ApiError.badRequest(null, h.getMessage());
            failed.incrementAndGet();
            throw ApiError.internal(String.valueOf(c));
        }
        completed.incrementAndGet();
        if (answer != null) sendJson(ex, 200, answer);
    }

    /** Server-sent events: one {@code data:} line per chunk, then {@code data: [DONE]}. */
    private void stream(HttpExchange ex, CompletionRequest r, ServedModel.Input in) {
        try {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            ex.getResponseHeaders().set("Cache-Control", "no-cache");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            try {
                model.stream(r, in, chunk -> {
                    try {
                        out.write(("data: " + MAPPER.writeValueAsString(chunk) + "\n\n").getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (UncheckedIOException e) {
                throw e; // the client went away: nothing more can reach it
            } catch (RuntimeException e) {
                // The status line is gone already: the failure travels as an error event, which
                // clients (ours too) report instead of waiting for [DONE] or retrying.
                failed.incrementAndGet();
                var error = MAPPER.createObjectNode();
                error.putObject("error").put("message", String.valueOf(e.getMessage())).put("type", "server_error");
                out.write(("data: " + MAPPER.writeValueAsString(error) + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                return;
            }
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void checkAuth(HttpExchange ex) {
        if (settings.apiKey() == null) return;
        String h = ex.getRequestHeaders().getFirst("Authorization");
        String expected = "Bearer " + settings.apiKey();
        // Constant-time comparison, so the key cannot be guessed from response times.
        if (h == null || !MessageDigest.isEqual(h.getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8))) {
            throw ApiError.unauthorized();
        }
    }

    private static void requireMethod(String method, String path, String allowed) {
        if (!method.equals(allowed)) throw ApiError.methodNotAllowed(method, path, allowed);
    }

    private JsonNode readBody(HttpExchange ex) throws IOException {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.strip()) > settings.maxBodyBytes()) throw ApiError.tooLarge(settings.maxBodyBytes());
            } catch (NumberFormatException e) {
                throw ApiError.badRequest(null, "bad Content-Length " + length);
            }
        }
        byte[] bytes;
        try (InputStream in = ex.getRequestBody()) {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, settings.maxBodyBytes() + 1));
            if (bytes.length > settings.maxBodyBytes()) throw ApiError.tooLarge(settings.maxBodyBytes());
        }
        JsonNode body;
        try {
            body = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw ApiError.malformedJson(e.getOriginalMessage());
        }
        if (body == null || !body.isObject()) throw ApiError.malformedJson("the body must be a JSON object");
        return body;
    }

    private static void sendJson(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] bytes = MAPPER.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private void sendError(HttpExchange ex, ApiError e) {
        try {
            if (e.retryAfterSeconds > 0) ex.getResponseHeaders().set("Retry-After", String.valueOf(e.retryAfterSeconds));
            if (e.status == 401) ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            sendJson(ex, e.status, e.body());
        } catch (IOException | RuntimeException io) {
            // Headers already sent (a failed stream) or the client gone: nothing more can be said.
            log.accept("could not send error " + e.status + ": " + e.getMessage());
        }
    }

    /** Stops accepting, lets the running request finish (up to a few seconds), closes the model. */
    @Override
    public void close() {
        server.stop(0);
        worker.shutdown();
        try {
            if (!worker.awaitTermination(30, TimeUnit.SECONDS)) worker.shutdownNow();
        } catch (InterruptedException e) {
            worker.shutdownNow();
            Thread.currentThread().interrupt();
        }
        connections.shutdownNow();
        model.close();
    }
}
