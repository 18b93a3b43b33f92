package org.meltharness.runtime.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.meltharness.HarnessException;

/**
 * The OpenAI-compatible HTTP front of one {@link ServedModel}.
 *
 * <p>The model runs on a single worker thread fed by a bounded queue, because a {@link
 * org.meltharness.runtime.Runtime} is used from one thread at a time; a request that finds the
 * queue full is answered 503 with {@code Retry-After}. The worker never writes to a socket: a
 * streamed answer goes through a bounded {@link StreamPipe}, so no client can stall it.
 *
 * <p>Transport: Jetty 12 (core, no servlets) with blocking handlers on virtual threads. Jetty gives
 * what the JDK's {@code HttpServer} lacks: an idle timeout on every read and write (a blocked write
 * to a client that stopped reading fails after it), a connection limit, a minimum request data
 * rate; {@link HeaderDeadline} bounds the time to send a request's headers. Work before the queue
 * is bounded too ({@link Gate}): body bytes in memory, requests being parsed and tokenized at once.
 */
public final class OpenAiServer implements AutoCloseable {
    static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * How the server is set up.
     *
     * @param maxConnections open connections at most; more wait in the listen backlog
     * @param maxPrompts prompts in one request at most
     * @param idleTimeout a read or write that makes no progress for this long fails the connection
     * @param headerTimeout a request's headers must arrive within this of the connection's opening
     *     (or of its previous answer)
     * @param bodyTimeout a request's body must arrive within this of its headers
     * @param sendBufferBytes each connection's socket send buffer, or 0 for the system's (which grows
     *     to megabytes, so that a small test stream never blocks)
     */
    public record Settings(String host, int port, int queue, long maxBodyBytes, String apiKey, int maxConnections,
            int maxPrompts, Duration idleTimeout, Duration headerTimeout, Duration bodyTimeout, int sendBufferBytes) {
        public Settings {
            if (queue < 0) throw new IllegalArgumentException("queue must not be negative");
            if (maxBodyBytes < 1) throw new IllegalArgumentException("maxBodyBytes must be positive");
            if (maxConnections < 1) throw new IllegalArgumentException("maxConnections must be positive");
            if (maxPrompts < 1) throw new IllegalArgumentException("maxPrompts must be positive");
        }

        /** The defaults for everything but address, queue, body limit and key. */
        public Settings(String host, int port, int queue, long maxBodyBytes, String apiKey) {
            this(host, port, queue, maxBodyBytes, apiKey, 256, 256, Duration.ofSeconds(30), Duration.ofSeconds(10),
                    Duration.ofSeconds(60), 0);
        }
    }

    /** Counts of what the server answered, for /health and the load test. */
    public record Counters(long accepted, long completed, long rejected, long failed, long cancelled) {}

    final ServedModel model;
    final Settings settings;
    private final Server server;
    private final ServerConnector connector;
    final ThreadPoolExecutor worker;
    final Gate gate;
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong completed = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong cancelled = new AtomicLong();
    /** Set when closing: every generation stops at its next token. */
    volatile boolean closing;
    /** Exponential moving average of a request's service time, for Retry-After. */
    private volatile double meanServiceSeconds = 0.5;
    final Consumer<String> log;

    private OpenAiServer(ServedModel model, Settings settings, Consumer<String> log) {
        this.model = model;
        this.settings = settings;
        this.log = log;
        BlockingQueue<Runnable> queue = settings.queue() == 0 ? new SynchronousQueue<>()
                : new ArrayBlockingQueue<>(settings.queue());
        this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, queue,
                Thread.ofPlatform().name("serve-model").daemon(true).factory());
        this.gate = new Gate(Math.max(settings.maxBodyBytes(), 64L << 20), Math.max(2, java.lang.Runtime.getRuntime()
                .availableProcessors()));
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("serve-io");
        threads.setDaemon(true);
        ExecutorService virtual = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("serve-request-", 0).factory());
        threads.setVirtualThreadsExecutor(virtual);
        this.server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setIdleTimeout(settings.idleTimeout().toMillis());
        this.connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        connector.setIdleTimeout(settings.idleTimeout().toMillis());
        connector.setAcceptQueueSize(1024);
        if (settings.sendBufferBytes() > 0) connector.setAcceptedSendBufferSize(settings.sendBufferBytes());
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(settings.maxConnections(), connector));
        HeaderDeadline deadline = new HeaderDeadline(server.getScheduler(), settings.headerTimeout().toMillis());
        connector.addEventListener(deadline);
        server.setHandler(new Routes(this, deadline));
        server.setStopTimeout(0);
    }

    /** Starts serving {@code model}; the server owns it from here on and closes it. */
    public static OpenAiServer start(ServedModel model, Settings settings, Consumer<String> log) {
        OpenAiServer s = new OpenAiServer(model, settings, log);
        try {
            s.server.start();
            return s;
        } catch (Exception e) {
            s.worker.shutdownNow();
            try {
                s.server.stop();
            } catch (Exception ignored) {
                // Never started: nothing to stop.
            }
            model.close();
            throw HarnessException.usage("cannot listen on " + settings.host() + ":" + settings.port() + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
        }
    }

    /** The port bound (useful when 0 asked for an ephemeral one). */
    public int port() {
        return connector.getLocalPort();
    }

    public String baseUrl() {
        return "http://" + settings.host() + ":" + port() + "/v1";
    }

    public String modelId() {
        return model.id();
    }

    public Counters counters() {
        return new Counters(accepted.get(), completed.get(), rejected.get(), failed.get(), cancelled.get());
    }

    int queued() {
        return worker.getQueue().size();
    }

    /**
     * Queues {@code work} for the model's thread.
     *
     * @throws ApiError 503 with Retry-After when the queue is full
     */
    <T> Future<T> submit(java.util.concurrent.Callable<T> work) {
        try {
            Future<T> f = worker.submit(() -> {
                long t0 = System.nanoTime();
                try {
                    return work.call();
                } finally {
                    double s = (System.nanoTime() - t0) / 1e9;
                    meanServiceSeconds = 0.8 * meanServiceSeconds + 0.2 * s;
                }
            });
            accepted.incrementAndGet();
            return f;
        } catch (RejectedExecutionException e) {
            rejected.incrementAndGet();
            // A place frees when the running request ends: about one service time away.
            long wait = Math.max(1, (long) Math.ceil(meanServiceSeconds));
            throw ApiError.overloaded(settings.queue(), wait);
        }
    }

    /** The /health answer: liveness only without the token; the counters with it (or when no key is set). */
    ObjectNode health(boolean authorized) {
        ObjectNode h = ServedModel.JSON.objectNode();
        h.put("status", closing ? "closing" : "ok");
        if (!authorized) return h;
        h.put("model", model.id());
        h.put("queued", queued());
        h.put("capacity", settings.queue());
        Counters c = counters();
        h.put("accepted", c.accepted());
        h.put("completed", c.completed());
        h.put("rejected", c.rejected());
        h.put("cancelled", c.cancelled());
        return h;
    }

    /**
     * Stops accepting, stops the generation in progress at its next token, waits for the worker to
     * leave the model, and only then closes the model: closing it under the worker's feet would
     * free native memory still in use.
     */
    @Override
    public void close() {
        closing = true;
        worker.shutdown();
        try {
            server.stop();
        } catch (Exception e) {
            log.accept("stopping the HTTP server: " + e.getMessage());
        }
        boolean done = false;
        boolean interrupted = false;
        while (!done) {
            try {
                // Scoring cannot stop half way; a generation stops at its next token.
                done = worker.awaitTermination(30, TimeUnit.SECONDS);
                if (!done) log.accept("waiting for the model's current request to end before closing it");
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        model.close();
        if (interrupted) Thread.currentThread().interrupt();
    }

}
