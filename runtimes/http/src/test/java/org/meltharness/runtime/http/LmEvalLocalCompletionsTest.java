package org.meltharness.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.meltharness.oracle.LmEvalOracle;

/**
 * lm-evaluation-harness's {@code local-completions} against a real {@code serve} of stories260K:
 * its recorded request sequences (token ids with BOS, as {@code add_bos_token=True} sends them;
 * strings, as {@code tokenized_requests=False} sends them; batches of four), replayed, and the
 * answers read as its {@code parse_logprobs} reads them, give the per-choice log-likelihoods and
 * greedy flags its {@code hf} backend gave (the oracle in harness-core's test resources), within
 * 1e-3. Without {@code add_bos_token=True} lm-eval sends ids without BOS, which {@code serve}
 * scores as sent, as vLLM does; the hf backend adds BOS, so only the BOS-led ids compare.
 *
 * <p>The payloads are checked to be exactly what {@link LmEvalPayloads} builds from the oracle's
 * requests; {@code -Dmelt.record=true} writes them anew.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LmEvalLocalCompletionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double TOLERANCE = 1e-3;
    private static final String DIR = "lm-eval-local-completions/";
    private final HttpClient http = HttpClient.newHttpClient();
    private OpenAiServer server;

    static Stream<LmEvalPayloads.Setup> setups() {
        return Stream.of(
                new LmEvalPayloads.Setup("arc_easy-0shot", 20, true, true, 1, 512, "stories260K"),
                new LmEvalPayloads.Setup("arc_easy-0shot", 20, false, false, 1, 512, "stories260K"),
                new LmEvalPayloads.Setup("hellaswag-0shot", 12, true, true, 4, 512, "stories260K"));
    }

    @BeforeAll
    void start() {
        server = Served.start("--name", "stories260K");
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void theRecordedPayloadsAreWhatLmEvalBuilds(LmEvalPayloads.Setup setup) throws IOException {
        List<String> built = LmEvalPayloads.build(setup, Path.of(Served.model()));
        if (Boolean.getBoolean("melt.record")) {
            Files.write(Path.of("src/test/resources", DIR, setup.file()), built, StandardCharsets.UTF_8);
        }
        assertEquals(built, recorded(setup));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void replayedAgainstServeTheyGiveTheHfBackendsLogLikelihoods(LmEvalPayloads.Setup setup) throws Exception {
        LmEvalOracle.Run run = LmEvalOracle.runs().stream().filter(r -> r.name().equals(setup.run())).findFirst().orElseThrow();
        int answered = 0;
        double worst = 0;
        for (String line : recorded(setup)) {
            JsonNode sent = JSON.readTree(line);
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/completions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(sent.path("payload").toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            List<JsonNode> choices = new ArrayList<>();
            JSON.readTree(r.body()).path("choices").forEach(choices::add);
            choices.sort(Comparator.comparingInt(c -> c.path("index").asInt()));
            assertEquals(sent.path("ctxlens").size(), choices.size());
            for (int k = 0; k < choices.size(); k++) {
                // parse_logprobs: sum(token_logprobs[ctxlen:-1]); greedy while each equals max(top.values()).
                int ctxlen = sent.path("ctxlens").get(k).asInt();
                JsonNode values = choices.get(k).path("logprobs").path("token_logprobs");
                JsonNode tops = choices.get(k).path("logprobs").path("top_logprobs");
                double sum = 0;
                boolean greedy = true;
                for (int t = ctxlen; t < values.size() - 1; t++) {
                    sum += values.get(t).asDouble();
                    double best = Double.NEGATIVE_INFINITY;
                    for (JsonNode v : tops.get(t)) best = Math.max(best, v.asDouble());
                    if (values.get(t).asDouble() != best) greedy = false;
                }
                JsonNode which = sent.path("requests").get(k);
                JsonNode golden = run.docs().get(which.get(0).asInt()).path("requests").get(which.get(1).asInt());
                double diff = Math.abs(golden.path("ll").asDouble() - sum);
                worst = Math.max(worst, diff);
                assertTrue(diff < TOLERANCE, setup + " " + which + ": lm-eval hf " + golden.path("ll").asDouble()
                        + ", serve " + sum);
                assertEquals(golden.path("is_greedy").asBoolean(), greedy, setup + " " + which);
                answered++;
            }
        }
        int expected = 0;
        for (JsonNode d : run.docs().subList(0, Math.min(setup.docs(), run.docs().size()))) expected += d.path("requests").size();
        assertEquals(expected, answered, "every request answered once");
        System.out.printf("%s: %d requests, max |ll difference| %.2e%n", setup.file(), answered, worst);
    }

    private static List<String> recorded(LmEvalPayloads.Setup setup) throws IOException {
        try (InputStream in = LmEvalLocalCompletionsTest.class.getResourceAsStream("/" + DIR + setup.file())) {
            if (in == null) return List.of();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        }
    }
}
