package org.meltharness.runtime.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.meltharness.HarnessException;

/**
 * The routes of {@link OpenAiServer}, one blocking call per request on a virtual thread: read and
 * check the request, hand it to the model's worker, and write the answer (or stream it from a
 * {@link StreamPipe}).
 */
final class Routes extends Handler.Abstract {
    /** Chunks a streamed answer may have buffered for a client that does not read them. */
    private static final int STREAM_BUFFER = 1024;

    private final OpenAiServer s;
    private final HeaderDeadline deadline;

    Routes(OpenAiServer server, HeaderDeadline deadline) {
        this.s = server;
        this.deadline = deadline;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Connection connection = request.getConnectionMetaData().getConnection();
        deadline.started(connection);
        AtomicBoolean gone = new AtomicBoolean();
        request.addFailureListener(t -> gone.set(true));
        // A request waiting for the model is not idle; a read or write that makes no progress is, and
        // fails (a client that stopped reading its stream). Jetty asks this at each idle timeout.
        AtomicBoolean io = new AtomicBoolean(true);
        request.addIdleTimeoutListener(t -> io.get());
        try {
            route(request, response, callback, gone, io);
        } catch (ApiError e) {
            io.set(true);
            sendError(response, callback, e);
        } catch (HarnessException e) {
            io.set(true);
            sendError(response, callback, ApiError.badRequest(null, e.getMessage()));
        } catch (ClientGone e) {
            s.cancelled.incrementAndGet();
            callback.failed(e);
        } catch (RuntimeException e) {
            s.failed.incrementAndGet();
            // The detail (paths, engine state) goes to the server's log, never to the client.
            s.log.accept("request failed: " + e);
            io.set(true);
            sendError(response, callback, ApiError.internal("the server failed on this request; its log says why"));
        } finally {
            deadline.answered(connection);
        }
        return true;
    }

    private void route(Request request, Response response, Callback callback, AtomicBoolean gone, AtomicBoolean io) {
        String path = request.getHttpURI().getPath();
        String method = request.getMethod();
        if (path.equals("/health") || path.equals("/v1/health")) {
            requireMethod(method, path, "GET");
            sendJson(response, callback, 200, s.health(authorized(request)));
            return;
        }
        if (!authorized(request)) throw ApiError.unauthorized();
        switch (path) {
            case "/v1/models" -> {
                requireMethod(method, path, "GET");
                ObjectNode list = ServedModel.JSON.objectNode();
                list.put("object", "list");
                list.putArray("data").add(s.model.modelEntry());
                sendJson(response, callback, 200, list);
            }
            case "/v1/completions", "/v1/chat/completions" -> {
                requireMethod(method, path, "POST");
                boolean chat = path.endsWith("chat/completions");
                Prepared p = prepare(request, chat);
                io.set(false);
                run(request, response, callback, p.request(), p.inputs(), gone, io);
            }
            default -> {
                if (path.startsWith("/v1/models/")) {
                    requireMethod(method, path, "GET");
                    s.model.checkModel(path.substring("/v1/models/".length()));
                    sendJson(response, callback, 200, s.model.modelEntry());
                } else {
                    throw ApiError.notFound(method, path);
                }
            }
        }
    }

    private record Prepared(CompletionRequest request, List<ServedModel.Input> inputs) {}

    /** Reads, parses and tokenizes a completion request within the gate's bounds. */
    private Prepared prepare(Request request, boolean chat) {
        long declared = request.getLength();
        long max = s.settings.maxBodyBytes();
        if (declared > max) {
            discardBody(request, declared, max);
            throw ApiError.tooLarge(max);
        }
        long reserved = declared >= 0 ? declared : max;
        s.gate.reserve(reserved);
        try {
            byte[] bytes = readBody(request, max);
            return s.gate.prepare(s.settings.bodyTimeout().toMillis(), () -> {
                JsonNode body = parse(bytes);
                CompletionRequest r;
                if (chat) {
                    s.model.checkModel(body.hasNonNull("model") ? CompletionRequest.text(body, "model") : null);
                    r = CompletionRequest.chat(body, s.model.render(body.get("messages")));
                } else {
                    r = CompletionRequest.completion(body, s.settings.maxPrompts());
                    s.model.checkModel(r.model());
                }
                return new Prepared(r, s.model.prepare(r));
            });
        } finally {
            s.gate.release(reserved);
        }
    }

    /**
     * Reads and drops a body declared too large, up to four times the limit (64 MiB at most) and within
     * the body deadline, so that a client still sending it reads the 413 instead of a reset
     * connection (a server that answers and closes while the client writes loses its answer to the
     * client's TCP stack); a larger one is answered at once, and its sender may see only the reset.
     */
    private void discardBody(Request request, long declared, long max) {
        long cap = Math.min(Math.max(max, 1) * 4, 64L << 20);
        if (declared > cap) return;
        long until = System.nanoTime() + s.settings.bodyTimeout().toNanos();
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] buf = new byte[64 * 1024];
            long read = 0;
            for (int n; read < declared && (n = in.read(buf)) >= 0 && System.nanoTime() < until; ) read += n;
        } catch (IOException e) {
            // The client went away: nobody hears the 413 either way.
        }
    }

    /** The body, read whole within the body deadline; a body sent too slowly is refused with 408. */
    private byte[] readBody(Request request, long max) {
        long until = System.nanoTime() + s.settings.bodyTimeout().toNanos();
        try (InputStream in = Content.Source.asInputStream(request)) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
                if (out.size() > max) throw ApiError.tooLarge(max);
                if (System.nanoTime() > until) {
                    throw new ApiError(408, "invalid_request_error", "request_timeout", null, "the request body did not "
                            + "arrive within " + s.settings.bodyTimeout().toSeconds() + " s", 0);
                }
            }
            return out.toByteArray();
        } catch (IOException e) {
            // Usually the client is gone and hears nothing; if not, it learns why.
            throw new ApiError(400, "invalid_request_error", "incomplete_body", null,
                    "the request body ended before its Content-Length", 0);
        }
    }

    private static JsonNode parse(byte[] bytes) {
        JsonNode body;
        try {
            body = OpenAiServer.MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw ApiError.malformedJson(e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiError.malformedJson(e.getMessage());
        }
        if (body == null || !body.isObject()) throw ApiError.malformedJson("the body must be a JSON object");
        return body;
    }

    /** Queues the request for the model's thread and answers with its result (or streams it). */
    private void run(Request request, Response response, Callback callback, CompletionRequest r,
            List<ServedModel.Input> in, AtomicBoolean gone, AtomicBoolean io) {
        if (r.stream()) {
            stream(request, response, callback, r, in.getFirst(), gone, io);
            return;
        }
        Future<ObjectNode> f = s.submit(() -> {
            if (gone.get() || s.closing) throw new ClientGone("the client left before its turn");
            return s.model.complete(r, in, () -> gone.get() || s.closing);
        });
        ObjectNode answer = await(f, request, response, gone);
        s.completed.incrementAndGet();
        io.set(true);
        sendJson(response, callback, 200, answer);
    }

    /** Waits for the worker's answer, giving the work up if the client closes its connection meanwhile. */
    private <T> T await(Future<T> f, Request request, Response response, AtomicBoolean gone) {
        try {
            while (true) {
                try {
                    return f.get(250, java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    if (request != null && closedByClient(request, response)) {
                        gone.set(true);
                        f.cancel(false); // not started: it never will; started: it stops at its next token
                        throw new ClientGone("the client closed the connection while its request waited");
                    }
                }
            }
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new ClientGone("interrupted");
        } catch (CancellationException e) {
            throw new ClientGone("cancelled");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof ApiError a) throw a;
            if (c instanceof ClientGone g) throw g;
            if (c instanceof HarnessException h) throw ApiError.badRequest(null, h.getMessage());
            if (c instanceof RuntimeException x) throw x;
            throw new IllegalStateException(c);
        }
    }

    /** Server-sent events: one {@code data:} line per chunk, then {@code data: [DONE]}. */
    private void stream(Request request, Response response, Callback callback, CompletionRequest r, ServedModel.Input in,
            AtomicBoolean gone, AtomicBoolean io) {
        StreamPipe pipe = new StreamPipe(STREAM_BUFFER);
        Future<Void> f = s.submit(() -> {
            try {
                if (gone.get() || s.closing) throw new ClientGone("the client left before its turn");
                s.model.stream(r, in, chunk -> {
                    if (gone.get() || s.closing) throw new ClientGone("the client went away");
                    pipe.put(event(chunk));
                });
                pipe.put("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            } catch (ClientGone e) {
                throw e;
            } catch (RuntimeException e) {
                // The status line is gone already: the failure travels as an error event, which
                // clients (ours too) report instead of waiting for [DONE] or retrying.
                s.failed.incrementAndGet();
                s.log.accept("stream failed: " + e);
                ObjectNode error = ServedModel.JSON.objectNode();
                String message = e instanceof ApiError || e instanceof HarnessException ? e.getMessage()
                        : "the server failed on this request; its log says why";
                error.putObject("error").put("message", message).put("type", "server_error");
                try {
                    pipe.put(event(error));
                } catch (ClientGone ignored) {
                    // Nobody left to tell.
                }
            } finally {
                pipe.end();
            }
            return null;
        });
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        try {
            while (true) {
                byte[] chunk = pipe.take(250);
                if (chunk == null) {
                    // Still waiting for its turn (the worker always ends the pipe, whatever happens).
                    if (!response.isCommitted() && !gone.get() && closedByClient(request, response)) {
                        gone.set(true);
                        pipe.clientGone();
                    }
                    continue;
                }
                if (chunk == StreamPipe.END) break;
                io.set(true);
                Content.Sink.write(response, false, ByteBuffer.wrap(chunk));
                io.set(false);
            }
            io.set(true);
            Content.Sink.write(response, true, ByteBuffer.allocate(0));
        } catch (IOException | RuntimeException e) {
            // A write that made no progress within the idle timeout, or a closed connection.
            pipe.clientGone();
            gone.set(true);
            s.cancelled.incrementAndGet();
            callback.failed(e);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pipe.clientGone();
            callback.failed(e);
            return;
        }
        try {
            await(f, null, response, gone);
            s.completed.incrementAndGet();
        } catch (ClientGone e) {
            s.cancelled.incrementAndGet();
        } catch (RuntimeException e) {
            // Reported to the client as an error event already.
        }
        callback.succeeded();
    }

    /**
     * Whether the client has closed its connection, asked while its request waits for the model.
     * HTTP/1.1 gives no notice of that until something is read or written, and Jetty does not read
     * during a request (it would be the next, pipelined request), so this reads: end of stream
     * means gone. A byte read is a pipelined request, which no common client sends; the answer then
     * closes the connection so that the client sends it again on a new one.
     */
    private static boolean closedByClient(Request request, Response response) {
        EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        if (!endPoint.isOpen() || endPoint.isInputShutdown()) return true;
        if (response.getHeaders().contains(HttpHeader.CONNECTION, "close")) return false; // pipelined: stop reading
        try {
            ByteBuffer probe = BufferUtil.allocate(1);
            int n = endPoint.fill(probe);
            if (n > 0 && !response.isCommitted()) response.getHeaders().put(HttpHeader.CONNECTION, "close");
            return n < 0;
        } catch (IOException e) {
            return true;
        }
    }

    private static byte[] event(JsonNode chunk) {
        try {
            return ("data: " + OpenAiServer.MAPPER.writeValueAsString(chunk) + "\n\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private boolean authorized(Request request) {
        if (s.settings.apiKey() == null) return true;
        String h = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        String expected = "Bearer " + s.settings.apiKey();
        // Constant-time comparison, so the key cannot be guessed from response times.
        return h != null && MessageDigest.isEqual(h.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }

    private static void requireMethod(String method, String path, String allowed) {
        if (!method.equals(allowed)) throw ApiError.methodNotAllowed(method, path, allowed);
    }

    private void sendJson(Response response, Callback callback, int status, JsonNode body) {
        byte[] bytes;
        try {
            bytes = OpenAiServer.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        try {
            Content.Sink.write(response, true, ByteBuffer.wrap(bytes));
            callback.succeeded();
        } catch (IOException | RuntimeException e) {
            callback.failed(e); // the client went away while the answer was written
        }
    }

    private void sendError(Response response, Callback callback, ApiError e) {
        if (response.isCommitted()) {
            // Headers already sent (a failed stream): nothing more can be said.
            s.log.accept("could not send error " + e.status + ": " + e.getMessage());
            callback.failed(e);
            return;
        }
        if (e.retryAfterSeconds > 0) response.getHeaders().put(HttpHeader.RETRY_AFTER, String.valueOf(e.retryAfterSeconds));
        if (e.status == 401) response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
        sendJson(response, callback, e.status, e.body());
    }
}
