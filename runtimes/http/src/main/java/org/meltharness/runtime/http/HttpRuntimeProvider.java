package org.meltharness.runtime.http;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.meltharness.HarnessException;
import org.meltharness.runtime.ModelSource;
import org.meltharness.runtime.Runtime;
import org.meltharness.runtime.RuntimeConfig;
import org.meltharness.runtime.RuntimeProvider;

/**
 * The {@code http} runtime: a model behind an OpenAI-compatible server, reached at
 * {@code --endpoint URL} (or {@code --runtime-option endpoint=URL}).
 *
 * <p>Options ({@code --runtime-option key=value}): {@code concurrency} (requests in flight, 4),
 * {@code batch} (prompts per scoring request, 16), {@code timeout_s} (per request, 600),
 * {@code retries} (on 429, 5xx and lost connections, 6), {@code api_key_env} (the environment
 * variable holding the API key; by default HARNESS_API_KEY, and OPENAI_API_KEY only for
 * api.openai.com, so that an OpenAI key never travels to another server unasked).
 */
public final class HttpRuntimeProvider implements RuntimeProvider {
    private static final Set<String> OPTIONS = Set.of("endpoint", "concurrency", "batch", "timeout_s", "retries",
            "api_key_env", "backoff_ms");

    @Override
    public String name() {
        return "http";
    }

    @Override
    public String description() {
        return "an OpenAI-compatible server (vLLM, llama-cpp-python, llama-server, harness serve) at --endpoint URL; "
                + "the server's weights and tokenizer";
    }

    /** The server decides the weights; "server" stands for whatever it runs. */
    @Override
    public List<String> quantizations() {
        return List.of("server");
    }

    @Override
    public boolean accepts(ModelSource source) {
        return false; // only when named: a model name says nothing about a server
    }

    @Override
    public boolean modelsByName() {
        return true;
    }

    @Override
    public Runtime open(RuntimeConfig config) {
        Map<String, String> o = config.options();
        for (String k : o.keySet()) {
            if (!OPTIONS.contains(k)) {
                throw HarnessException.usage("runtime http has no option '" + k + "'; it has " + OPTIONS.stream().sorted().toList());
            }
        }
        String endpoint = o.get("endpoint");
        if (endpoint == null || endpoint.isBlank()) {
            throw HarnessException.usage("--runtime http needs the server: --endpoint http://HOST:PORT/v1");
        }
        URI base = base(endpoint);
        String keyVar = o.get("api_key_env");
        String key = keyVar != null ? System.getenv(keyVar)
                : "api.openai.com".equalsIgnoreCase(base.getHost()) ? firstSet("HARNESS_API_KEY", "OPENAI_API_KEY")
                : firstSet("HARNESS_API_KEY");
        if (keyVar != null && (key == null || key.isBlank())) {
            throw HarnessException.usage("api_key_env " + keyVar + ": that environment variable is not set");
        }
        int concurrency = positive(o, "concurrency", 4);
        int batch = positive(o, "batch", 16);
        int timeout = positive(o, "timeout_s", 600);
        int retries = nonNegative(o, "retries", 6);
        int backoff = positive(o, "backoff_ms", 500);
        ApiClient client = new ApiClient(new ApiClient.Settings(base, key == null || key.isBlank() ? null : key,
                Duration.ofSeconds(timeout), retries, Duration.ofMillis(backoff), Duration.ofSeconds(30)),
                msg -> System.err.println("harness: " + msg));
        return HttpRuntime.open(client, config.model().requested(), concurrency, batch);
    }

    /** The API base: the URL as given, with {@code /v1} added when it names no path. */
    static URI base(String endpoint) {
        String e = endpoint.strip();
        while (e.endsWith("/")) e = e.substring(0, e.length() - 1);
        URI u;
        try {
            u = URI.create(e);
        } catch (IllegalArgumentException ex) {
            throw HarnessException.usage("--endpoint " + endpoint + " is not a URL");
        }
        if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
            throw HarnessException.usage("--endpoint must be an http:// or https:// URL, not " + endpoint);
        }
        if (u.getRawUserInfo() != null) {
            // The URL is recorded with the run; a credential in it would be too.
            throw HarnessException.usage("--endpoint must not carry a user or password; put the key in HARNESS_API_KEY "
                    + "(or the variable named by --runtime-option api_key_env=VAR)");
        }
        if (u.getPath() == null || u.getPath().isEmpty()) u = URI.create(e + "/v1");
        return u;
    }

    private static String firstSet(String... vars) {
        for (String v : vars) {
            String s = System.getenv(v);
            if (s != null && !s.isBlank()) return s;
        }
        return null;
    }

    private static int positive(Map<String, String> o, String key, int dflt) {
        int v = nonNegative(o, key, dflt);
        if (v < 1) throw HarnessException.usage("runtime option " + key + " must be at least 1");
        return v;
    }

    private static int nonNegative(Map<String, String> o, String key, int dflt) {
        String s = o.get(key);
        if (s == null) return dflt;
        try {
            int v = Integer.parseInt(s.strip());
            if (v < 0) throw HarnessException.usage("runtime option " + key + " must not be negative");
            return v;
        } catch (NumberFormatException e) {
            throw HarnessException.usage("runtime option " + key + " must be an integer, not " + s);
        }
    }
}
