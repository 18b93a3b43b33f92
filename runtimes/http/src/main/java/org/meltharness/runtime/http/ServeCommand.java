package org.meltharness.runtime.http;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.meltharness.HarnessException;
import org.meltharness.command.CommonOptions;
import org.meltharness.model.ModelPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code harness serve}: one model behind an OpenAI-compatible HTTP server. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Serve a model over HTTP with OpenAI's API (/v1/completions with echo and logprobs, "
                + "/v1/chat/completions, streaming, /v1/models, /health), so that another machine can evaluate it "
                + "with --runtime http.")
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, paramLabel = "MODEL", required = true,
            description = "A model folder or file, an alias or a hub repository id (as for eval).")
    String model;

    @Option(names = "--runtime", paramLabel = "NAME", description = "Runtime to run the model on (default: the first that accepts it).")
    String runtime;

    @Option(names = {"-q", "--quant"}, paramLabel = "QUANT", description = "Weight format: f32, bf16, q8, q4.")
    String quant;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads of the runtime (default: the runtime's).")
    int threads;

    @Option(names = "--runtime-option", paramLabel = "KEY=VALUE", description = "A runtime-specific setting.")
    Map<String, String> runtimeOptions = new LinkedHashMap<>();

    @Option(names = "--name", paramLabel = "NAME",
            description = "The model's name in requests and /v1/models (default: --model as typed).")
    String name;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to bind (default: ${DEFAULT-VALUE}; 0.0.0.0 to serve other machines).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
            description = "Port to listen on, 0 for any free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--queue", paramLabel = "N", defaultValue = "16",
            description = "Requests that may wait while one runs; beyond that, 503 with Retry-After (default: ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = "--max-body", paramLabel = "BYTES", defaultValue = "8388608",
            description = "Largest request body accepted; larger ones get 413 (default: ${DEFAULT-VALUE}).")
    long maxBody;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "256",
            description = "Open connections at most; more wait to be accepted (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--max-prompts", paramLabel = "N", defaultValue = "256",
            description = "Prompts in one request at most (default: ${DEFAULT-VALUE}).")
    int maxPrompts;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "A read or write that makes no progress for this long drops the connection (default: ${DEFAULT-VALUE}).")
    int idleTimeout;

    @Option(names = "--header-timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "A request's headers must arrive within this (default: ${DEFAULT-VALUE}).")
    int headerTimeout;

    @Option(names = "--body-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "A request's body must arrive within this of its headers (default: ${DEFAULT-VALUE}).")
    int bodyTimeout;

    @Option(names = "--api-key-env", paramLabel = "VAR",
            description = "Require 'Authorization: Bearer KEY', KEY read from this environment variable.")
    String apiKeyEnv;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Downloads and converted weights (default: ~/.cache/melt-harness).")
    Path cacheDir;

    @Option(names = "--offline", description = "Never use the network (also HARNESS_OFFLINE=1).")
    boolean offline;

    @Mixin
    CommonOptions common;

    /** Released by tests (and never otherwise): the server runs until the process is stopped. */
    private final CountDownLatch stop = new CountDownLatch(1);

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        OpenAiServer server = open(err);
        err.printf(Locale.ROOT, "harness: serving %s at %s (queue %d%s); Ctrl-C stops%n", server.modelId(),
                server.baseUrl(), queue, apiKeyEnv == null ? "" : ", bearer token from $" + apiKeyEnv);
        err.flush();
        // The JVM halts once its hooks return, so the hook itself drains and closes the server;
        // without it, Ctrl-C would cut requests in flight and never close the model.
        Thread hook = new Thread(server::close, "harness-serve-shutdown");
        java.lang.Runtime.getRuntime().addShutdownHook(hook);
        try {
            stop.await();
        } finally {
            try {
                java.lang.Runtime.getRuntime().removeShutdownHook(hook);
                server.close();
            } catch (IllegalStateException e) {
                // Shutting down already: the hook closes the server.
            }
        }
        return 0;
    }

    /** Loads the model and starts the server, as {@link #call} does, without waiting. */
    OpenAiServer open(PrintWriter err) {
        if (queue < 0) throw HarnessException.usage("--queue must not be negative");
        if (port < 0 || port > 65535) throw HarnessException.usage("--port must be between 0 and 65535");
        if (maxBody < 1) throw HarnessException.usage("--max-body must be at least 1");
        if (maxConnections < 1) throw HarnessException.usage("--max-connections must be at least 1");
        if (maxPrompts < 1) throw HarnessException.usage("--max-prompts must be at least 1");
        if (idleTimeout < 1 || headerTimeout < 1 || bodyTimeout < 1) {
            throw HarnessException.usage("--idle-timeout, --header-timeout and --body-timeout must be at least 1 second");
        }
        String apiKey = null;
        if (apiKeyEnv != null) {
            apiKey = System.getenv(apiKeyEnv);
            if (apiKey == null || apiKey.isBlank()) {
                throw HarnessException.usage("--api-key-env " + apiKeyEnv + ": that environment variable is not set");
            }
        }
        Path cache = cacheDir != null ? cacheDir : defaultCacheDir();
        boolean off = offline || "1".equals(System.getenv("HARNESS_OFFLINE"));
        ModelPlan plan = ModelPlan.resolve(model, runtime, quant, "stored", 0L, cache).requireJvm();
        if (plan.provider().modelsByName()) {
            throw HarnessException.usage("serve runs a model here; --runtime " + plan.provider().name()
                    + " only talks to another server");
        }
        ModelPlan.Loaded loaded = plan.load(threads, cache, off, runtimeOptions);
        if (!plan.runtimeNamed()) err.println("harness: runtime " + plan.runtimeChoice());
        String id = name != null ? name : model;
        Set<String> aliases = new LinkedHashSet<>();
        aliases.add(model);
        if (plan.source().localPath() != null) {
            aliases.add(plan.source().localPath().toString());
            aliases.add(String.valueOf(plan.source().localPath().getFileName()));
        }
        ServedModel served = new ServedModel(loaded.runtime(), id, aliases, plan.provider().name(), plan.quant());
        err.printf(Locale.ROOT, "harness: loaded %s on %s (%s) in %.1fs%n", loaded.runtime().info().architecture(),
                plan.provider().name(), plan.quant(), loaded.loadSeconds());
        if (apiKey == null && !isLoopback(host)) {
            err.println("harness: warning: serving on " + host + " without --api-key-env: anyone who can reach this "
                    + "address can use the model (see the README's security notes)");
        }
        OpenAiServer.Settings settings = new OpenAiServer.Settings(host, port, queue, maxBody, apiKey, maxConnections,
                maxPrompts, Duration.ofSeconds(idleTimeout), Duration.ofSeconds(headerTimeout), Duration.ofSeconds(bodyTimeout), 0);
        return OpenAiServer.start(served, settings, msg -> err.println("harness: " + msg));
    }

    private static boolean isLoopback(String host) {
        try {
            return java.net.InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** Ends {@link #call} (tests). */
    void stop() {
        stop.countDown();
    }

    private static Path defaultCacheDir() {
        String env = System.getenv("HARNESS_CACHE_DIR");
        if (env != null && !env.isBlank()) return Path.of(env);
        return Path.of(System.getProperty("user.home"), ".cache", "melt-harness");
    }
}
