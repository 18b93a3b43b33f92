package org.meltharness.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.meltharness.runtime.LoglikelihoodResult;
import org.meltharness.runtime.Runtime;
import org.meltharness.runtime.TokenInput;
import org.meltharness.tokenize.HfTokenizer;
import org.meltharness.tokenize.TokenizedPair;

/**
 * Token-id prompts (as OpenAI's API, vLLM and lm-evaluation-harness's {@code local-completions}
 * send them) on a runtime that takes ids, scored and generated from exactly those ids; a runtime
 * that takes text only refuses them in one 400; a generated token that merges with the prompt's
 * end is generated and listed, not refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenPromptsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** From issue 19: the token generated after it merges with the prompt's last character. */
    private static final String MERGING = "Question: When a rock is placed in a graduated cylinder containing water, "
            + "the height of the water will\nAnswer: remain the same";
    private final HttpClient http = HttpClient.newHttpClient();
    private OpenAiServer server;
    private OpenAiServer textOnly;
    private Runtime local;
    private HfTokenizer tokenizer;

    @BeforeAll
    void start() {
        server = Served.startWith(4, null);
        textOnly = Served.startWith(4, null, Served::textOnly);
        local = Served.jlama();
        tokenizer = HfTokenizer.load(java.nio.file.Path.of(Served.model()));
    }

    @AfterAll
    void stop() {
        server.close();
        textOnly.close();
        local.close();
        tokenizer.close();
    }

    private HttpResponse<String> post(OpenAiServer s, Object body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(s.baseUrl() + "/completions"))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode ok(OpenAiServer s, Object body) throws Exception {
        HttpResponse<String> r = post(s, body);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private static double[] values(JsonNode choice) {
        JsonNode v = choice.path("logprobs").path("token_logprobs");
        double[] out = new double[v.size()];
        for (int i = 0; i < out.length; i++) out[i] = v.get(i).isNull() ? Double.NaN : v.get(i).asDouble();
        return out;
    }

    @Test
    void tokenIdsAreScoredExactlyAsSentWithOrWithoutBos() throws Exception {
        int[] withBos = tokenizer.encode("Once upon a time, there was a little girl");
        assertEquals(1, withBos[0], "the tokenizer adds BOS");
        int[] noBos = Arrays.copyOfRange(withBos, 1, withBos.length);
        JsonNode answer = ok(server, Map.of("prompt", List.of(withBos, noBos), "echo", true, "logprobs", 1, "max_tokens", 0,
                "temperature", 0));
        TokenInput ids = (TokenInput) local;
        for (int c = 0; c < 2; c++) {
            int[] sent = c == 0 ? withBos : noBos;
            JsonNode choice = answer.path("choices").get(c);
            double[] got = values(choice);
            assertEquals(sent.length, got.length, "one row per id sent: " + choice);
            assertTrue(Double.isNaN(got[0]), "the first id has nothing before it");
            LoglikelihoodResult expected = ids.loglikelihoodTokens(List.of(new TokenizedPair(new int[] {sent[0]},
                    Arrays.copyOfRange(sent, 1, sent.length))), null).getFirst();
            for (int k = 1; k < sent.length; k++) assertEquals(expected.tokenLogprobs()[k - 1], got[k], 1e-9, "row " + k);
        }
        double[] bos = values(answer.path("choices").get(0));
        double[] plain = values(answer.path("choices").get(1));
        assertTrue(Math.abs(bos[2] - plain[1]) > 1e-3, "without BOS the same token is scored on less: nothing is added");

        // The text prompt is the BOS-led ids: its rows (text tokens, BOS not listed) equal theirs.
        JsonNode text = ok(server, Map.of("prompt", "Once upon a time, there was a little girl", "echo", true,
                "logprobs", 1, "max_tokens", 0)).path("choices").get(0);
        double[] t = values(text);
        assertEquals(bos.length - 1, t.length);
        for (int k = 1; k < t.length; k++) assertEquals(bos[k + 1], t[k], 1e-9);
        assertEquals("Once upon a time, there was a little girl", text.path("text").asText());

        JsonNode models = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/models")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        assertTrue(models.path("data").get(0).path("melt").path("token_prompts").asBoolean());
    }

    @Test
    void theEchoedPromptDoesNotDependOnWhatIsGeneratedAfterIt() throws Exception {
        int[] prompt = tokenizer.encode(MERGING);
        double[] alone = values(ok(server, Map.of("prompt", List.of(prompt), "echo", true, "logprobs", 1, "max_tokens", 0))
                .path("choices").get(0));
        for (int max : new int[] {1, 5}) {
            JsonNode c = ok(server, Map.of("prompt", List.of(prompt), "echo", true, "logprobs", 1, "max_tokens", max,
                    "temperature", 0, "seed", 1234)).path("choices").get(0);
            double[] with = values(c);
            assertEquals(alone.length + max, with.length, c.toString());
            for (int k = 1; k < alone.length; k++) assertEquals(alone[k], with[k], 0.0, "prompt row " + k);
            for (int k = alone.length; k < with.length; k++) assertFalse(Double.isNaN(with[k]), "generated row " + k);
        }
    }

    @Test
    void aGeneratedTokenThatMergesWithThePromptIsGeneratedAndListed() throws Exception {
        // lm-eval's string request from issue 19, as it sent it.
        Map<String, Object> lmEval = Map.of("model", Served.model(), "prompt", MERGING, "temperature", 0, "max_tokens", 1,
                "logprobs", 1, "seed", 1234, "echo", true);
        JsonNode c = ok(server, lmEval).path("choices").get(0);
        double[] v = values(c);
        int promptRows = tokenizer.encode(MERGING).length - 1;
        assertEquals(promptRows + 1, v.length, c.toString());
        assertFalse(Double.isNaN(v[promptRows]), "the generated token has its log-prob given the prompt's ids");
        assertTrue(c.path("text").asText().startsWith(MERGING));

        // A runtime that takes text only still answers; where the text does not re-encode to the
        // generated token, that token is listed without a log-prob.
        JsonNode t = ok(textOnly, lmEval).path("choices").get(0);
        double[] tv = values(t);
        assertEquals(promptRows + 1, tv.length, t.toString());
        // (Text scoring splits after the first token with text: this tokenizer's lone "▁" has none.)
        for (int k = 2; k < promptRows; k++) assertEquals(v[k], tv[k], 1e-9, "prompt row " + k);
        assertEquals(c.path("text").asText(), t.path("text").asText());
    }

    @Test
    void badTokenPromptsAndTextOnlyRuntimesGetOneClear400() throws Exception {
        for (Object bad : List.of(List.of(), List.of(List.of()), List.of(1, "a"), List.of(1, -3), List.of(List.of(1), 2))) {
            HttpResponse<String> r = post(server, Map.of("prompt", bad, "max_tokens", 1));
            assertEquals(400, r.statusCode(), bad + ": " + r.body());
            assertEquals("prompt", JSON.readTree(r.body()).path("error").path("param").asText(), r.body());
        }
        HttpResponse<String> vocab = post(server, Map.of("prompt", List.of(1, 512), "max_tokens", 1));
        assertEquals(400, vocab.statusCode());
        assertTrue(vocab.body().contains("outside this model's vocabulary of 512"), vocab.body());

        HttpResponse<String> text = post(textOnly, Map.of("prompt", List.of(List.of(1, 403, 300)), "max_tokens", 1));
        assertEquals(400, text.statusCode(), text.body());
        assertTrue(text.body().contains("takes text prompts only, not token ids"), text.body());
        JsonNode models = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(textOnly.baseUrl() + "/models")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        assertFalse(models.path("data").get(0).path("melt").path("token_prompts").asBoolean(true));
    }

    @Test
    void generatesFromExactlyTheIdsSent() throws Exception {
        int[] prompt = tokenizer.encode("Once upon a time");
        JsonNode c = ok(server, Map.of("prompt", List.of(prompt), "max_tokens", 8, "temperature", 0)).path("choices").get(0);
        String fromText = ok(server, Map.of("prompt", "Once upon a time", "max_tokens", 8, "temperature", 0))
                .path("choices").get(0).path("text").asText();
        assertEquals(fromText, c.path("text").asText(), "the BOS-led ids are the text prompt's input");
        JsonNode usage = ok(server, Map.of("prompt", List.of(prompt), "max_tokens", 3)).path("usage");
        assertEquals(prompt.length, usage.path("prompt_tokens").asInt());
    }
}
