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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code serve} as the official OpenAI Python client and {@code curl} use it: the client's request
 * bodies (it sends only the fields a caller passes) and headers, answers with every field its
 * response types require, streams it can iterate; fields {@code serve} does not implement are one
 * 400 naming the field; and the README's {@code curl} examples, run as written.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenAiClientsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private OpenAiServer server;

    @BeforeAll
    void start() {
        server = Served.start("--name", "stories260K");
    }

    @AfterAll
    void stop() {
        server.close();
    }

    /** A POST as openai-python 1.x sends it: its headers, the caller's fields only. */
    private HttpResponse<String> client(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .header("User-Agent", "OpenAI/Python 1.109.1").header("X-Stainless-Lang", "python")
                .header("X-Stainless-Package-Version", "1.109.1").header("X-Stainless-Retry-Count", "0")
                .header("Authorization", "Bearer EMPTY")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<JsonNode> events(String sse) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        List<String> data = sse.lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
        assertEquals("[DONE]", data.getLast(), sse);
        for (String d : data.subList(0, data.size() - 1)) out.add(JSON.readTree(d));
        return out;
    }

    @Test
    void completionsAndChatAsTheOpenAiClientCallsThem() throws Exception {
        // client.completions.create(model=..., prompt=..., max_tokens=8)
        JsonNode c = JSON.readTree(client("/completions", "{\"model\": \"stories260K\", \"prompt\": \"Once upon a time\", "
                + "\"max_tokens\": 8}").body());
        assertEquals("text_completion", c.path("object").asText());
        for (String f : List.of("id", "created", "model", "choices", "usage")) assertTrue(c.has(f), f + " in " + c);
        JsonNode choice = c.path("choices").get(0);
        for (String f : List.of("index", "text", "finish_reason", "logprobs")) assertTrue(choice.has(f), f);
        assertEquals("length", choice.path("finish_reason").asText());

        // ... stream=True, stream_options={"include_usage": True}
        List<JsonNode> chunks = events(client("/completions", "{\"model\": \"stories260K\", \"prompt\": \"Once\", "
                + "\"max_tokens\": 4, \"stream\": true, \"stream_options\": {\"include_usage\": true}}").body());
        for (JsonNode k : chunks) assertEquals("text_completion", k.path("object").asText());
        assertEquals(4, chunks.getLast().path("usage").path("completion_tokens").asInt(), chunks.toString());

        // client.chat.completions.create(model=..., messages=[...])
        JsonNode chat = JSON.readTree(client("/chat/completions", "{\"messages\": [{\"role\": \"system\", \"content\": "
                + "\"You tell stories.\"}, {\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \"Hi\"}]}], "
                + "\"model\": \"stories260K\", \"max_completion_tokens\": 6}").body());
        assertEquals("chat.completion", chat.path("object").asText(), chat.toString());
        JsonNode message = chat.path("choices").get(0).path("message");
        assertEquals("assistant", message.path("role").asText());
        assertTrue(message.path("content").isTextual());

        List<JsonNode> chatChunks = events(client("/chat/completions", "{\"messages\": [{\"role\": \"user\", "
                + "\"content\": \"Hi\"}], \"model\": \"stories260K\", \"max_tokens\": 5, \"stream\": true}").body());
        assertEquals("assistant", chatChunks.getFirst().path("choices").get(0).path("delta").path("role").asText());
        for (JsonNode k : chatChunks) assertEquals("chat.completion.chunk", k.path("object").asText());
        assertEquals("length", chatChunks.getLast().path("choices").get(0).path("finish_reason").asText());
    }

    @Test
    void fieldsServeDoesNotImplementAreA400NamingThem() throws Exception {
        for (String field : List.of("\"top_p\": 0.5", "\"frequency_penalty\": 0.2", "\"logit_bias\": {\"50\": 5}",
                "\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\"}}]", "\"response_format\": {\"type\": "
                        + "\"json_object\"}", "\"n\": 2", "\"suffix\": \"end\"", "\"foo\": 1")) {
            String name = field.substring(1, field.indexOf('"', 1));
            String path = Set.of("tools", "response_format").contains(name) ? "/chat/completions" : "/completions";
            String body = path.contains("chat") ? "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], " + field + "}"
                    : "{\"prompt\": \"Once\", \"max_tokens\": 2, " + field + "}";
            HttpResponse<String> r = client(path, body);
            assertEquals(400, r.statusCode(), field + ": " + r.body());
            assertEquals(name, JSON.readTree(r.body()).path("error").path("param").asText(), r.body());
        }
        // At the value that changes nothing, they are accepted, as is bookkeeping.
        HttpResponse<String> ok = client("/completions", "{\"prompt\": \"Once\", \"max_tokens\": 2, \"top_p\": 1, "
                + "\"frequency_penalty\": 0, \"presence_penalty\": 0, \"logit_bias\": {}, \"user\": \"me\", \"n\": 1}");
        assertEquals(200, ok.statusCode(), ok.body());
    }

    @Test
    void theReadmesCurlExamplesWorkAsWritten() throws Exception {
        String readme = Files.readString(Path.of("../../README.md"), StandardCharsets.UTF_8);
        String section = readme.substring(readme.indexOf("## `harness serve`"), readme.indexOf("## Remote devices"));
        Matcher m = Pattern.compile("curl -sN? (http://127\\.0\\.0\\.1:8080(\\S+))(?: -H '[^']*')?(?: \\\\\\n\\s*-d '([^']*)')?")
                .matcher(section);
        int run = 0;
        while (m.find()) {
            String url = server.baseUrl().replace("/v1", "") + m.group(2);
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
            if (m.group(3) != null) {
                b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(m.group(3)));
            }
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), m.group(0) + "\n" + r.body());
            assertFalse(r.body().isBlank());
            run++;
        }
        assertEquals(5, run, "the README's curl examples");
    }
}
