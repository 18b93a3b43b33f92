package org.meltharness.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@code serve}'s answers to good and bad requests: statuses and OpenAI-style error bodies. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerErrorsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private OpenAiServer server;

    @BeforeAll
    void start() {
        server = Served.startWith(4, "s3cret");
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private HttpResponse<String> send(String method, String path, String body, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl().replace("/v1", "") + path));
        if (key != null) b.header("Authorization", "Bearer " + key);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode error(HttpResponse<String> r, int status, String code) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonNode e = JSON.readTree(r.body()).path("error");
        assertEquals(code, e.path("code").asText(), r.body());
        assertTrue(e.path("message").isTextual() && e.has("type") && e.has("param"), r.body());
        return e;
    }

    @Test
    void answersGoodRequests() throws Exception {
        HttpResponse<String> health = send("GET", "/health", null, null);
        assertEquals(200, health.statusCode());
        assertEquals("ok", JSON.readTree(health.body()).path("status").asText());

        JsonNode models = JSON.readTree(send("GET", "/v1/models", null, "s3cret").body());
        assertEquals(Served.model(), models.path("data").get(0).path("id").asText());

        HttpResponse<String> chat = send("POST", "/v1/chat/completions", """
                {"model": "%s", "messages": [{"role": "user", "content": "Tell me a story"}], "max_tokens": 8}
                """.formatted(Served.model()), "s3cret");
        assertEquals(200, chat.statusCode(), chat.body());
        JsonNode c = JSON.readTree(chat.body());
        assertEquals("chat.completion", c.path("object").asText());
        assertEquals("assistant", c.path("choices").get(0).path("message").path("role").asText());
        assertEquals(8, c.path("usage").path("completion_tokens").asInt());

        HttpResponse<String> streamed = send("POST", "/v1/chat/completions", """
                {"messages": [{"role": "user", "content": "Hi"}], "max_tokens": 5, "stream": true}
                """, "s3cret");
        assertEquals(200, streamed.statusCode(), streamed.body());
        List<String> events = streamed.body().lines().filter(l -> l.startsWith("data: ")).toList();
        assertEquals("data: [DONE]", events.getLast());
        assertEquals(1 + 5 + 1 + 1, events.size(), streamed.body()); // role, 5 tokens, finish, [DONE]
    }

    @Test
    void scoresAnExactSplitWithContinuationFrom() throws Exception {
        // melt_continuation_from: the pair (prompt[:k], prompt[k:]) scored as in-process eval does.
        String prompt = "Question: Which is a star?\nAnswer: the sun";
        int k = prompt.indexOf(" the sun");
        HttpResponse<String> r = send("POST", "/v1/completions", JSON.writeValueAsString(Map.of("prompt", prompt,
                "echo", true, "logprobs", 1, "max_tokens", 0, "melt_continuation_from", k)), "s3cret");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode c = JSON.readTree(r.body()).path("choices").get(0);
        try (var runtime = new org.meltharness.runtime.jlama.JlamaRuntimeProvider().open(new org.meltharness.runtime
                .RuntimeConfig(org.meltharness.runtime.ModelSource.local(java.nio.file.Path.of(Served.model())), "f32", 1,
                java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "melt-http-test-cache"), true, Map.of()))) {
            double local = runtime.loglikelihood(List.of(new org.meltharness.runtime.LoglikelihoodRequest(
                    prompt.substring(0, k), prompt.substring(k)))).getFirst().logLikelihood();
            assertEquals(local, c.path("melt").path("logprob").asDouble(), 1e-4);
        }
        double sum = 0;
        JsonNode values = c.path("logprobs").path("token_logprobs");
        int n = c.path("melt").path("continuation_tokens").asInt();
        for (int i = values.size() - n; i < values.size(); i++) sum += values.get(i).asDouble();
        assertEquals(c.path("melt").path("logprob").asDouble(), sum, 1e-9);
    }

    @Test
    void serveIsAHarnessSubcommand() {
        Served.Run help = Served.cli("serve", "--help");
        assertEquals(0, help.exitCode(), help.err());
        assertTrue(help.out().contains("--api-key-env") && help.out().contains("--queue"), help.out());
        Served.Run bad = Served.cli("serve", "--model", Served.model(), "--runtime", "http");
        assertEquals(2, bad.exitCode(), bad.err());
        Served.Run random = Served.cli("eval", "--runtime", "http", "--endpoint", server.baseUrl(), "--model", "m",
                "--weights", "random", "--task", "arc_easy", "--limit", "1");
        assertEquals(2, random.exitCode(), random.err());
        assertTrue(random.err().contains("--weights random cannot apply to --runtime http"), random.err());
    }

    @Test
    void answersBadRequestsWithStatusAndJsonError() throws Exception {
        error(send("GET", "/v1/models", null, null), 401, "invalid_api_key");
        error(send("GET", "/v1/models", null, "wrong"), 401, "invalid_api_key");
        error(send("POST", "/v1/completions", "{\"prompt\": \"Once\",", "s3cret"), 400, "invalid_json");
        error(send("POST", "/v1/completions", "[1, 2]", "s3cret"), 400, "invalid_json");
        error(send("POST", "/v1/completions", "{\"max_tokens\": 3}", "s3cret"), 400, "invalid_value");
        error(send("POST", "/v1/completions", "{\"prompt\": \"Once\", \"max_tokens\": -1}", "s3cret"), 400,
                "invalid_value");
        JsonNode unknown = error(send("POST", "/v1/completions", "{\"model\": \"gpt-5\", \"prompt\": \"Once\"}",
                "s3cret"), 404, "model_not_found");
        assertEquals("model", unknown.path("param").asText());
        error(send("GET", "/v1/models/gpt-5", null, "s3cret"), 404, "model_not_found");
        error(send("GET", "/v1/nothing", null, "s3cret"), 404, "not_found");
        error(send("GET", "/v1/completions", null, "s3cret"), 405, "method_not_allowed");

        String longPrompt = "once upon a time there was a little girl ".repeat(200); // far beyond 512 tokens
        error(send("POST", "/v1/completions", JSON.writeValueAsString(java.util.Map.of("prompt", longPrompt,
                "max_tokens", 1)), "s3cret"), 400, "context_length_exceeded");
        String huge = JSON.writeValueAsString(java.util.Map.of("prompt", "a".repeat(2 << 20)));
        error(send("POST", "/v1/completions", huge, "s3cret"), 413, "request_too_large");

        error(send("POST", "/v1/completions", "{\"prompt\": \"Once\", \"max_tokens\": 0, \"stream\": true}", "s3cret"), 400,
                "invalid_value");

        // Still serving after all that.
        assertEquals(200, send("POST", "/v1/completions", "{\"prompt\": \"Once\", \"max_tokens\": 2}", "s3cret")
                .statusCode());
    }
}
