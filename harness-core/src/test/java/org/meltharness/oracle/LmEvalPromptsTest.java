package org.meltharness.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.meltharness.io.Hashing;
import org.meltharness.score.DocScore;
import org.meltharness.score.MultipleChoice;
import org.meltharness.score.ResultProcessors;
import org.meltharness.stats.Stats;
import org.meltharness.task.DocRequests;
import org.meltharness.task.TaskCatalog;

/**
 * Our prompts and scoring against lm-evaluation-harness's own output: the same requests, byte for
 * byte (few-shot draws included), and, fed lm-eval's log-likelihoods, the same per-document
 * metrics and the same aggregate values and standard errors.
 */
class LmEvalPromptsTest {
    static Stream<LmEvalOracle.Run> runs() {
        return LmEvalOracle.runs().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runs")
    void sameRequestsAsLmEval(LmEvalOracle.Run run) {
        List<DocRequests> ours = LmEvalOracle.ourRequests(run);
        assertEquals(run.docs().size(), ours.size());
        for (int d = 0; d < ours.size(); d++) {
            JsonNode golden = run.docs().get(d);
            DocRequests mine = ours.get(d);
            assertEquals(golden.path("doc_id").asInt(), mine.docId());
            assertEquals(golden.path("requests").size(), mine.requests().size(), run.name() + " doc " + d);
            for (int r = 0; r < mine.requests().size(); r++) {
                JsonNode g = golden.path("requests").get(r);
                DocRequests.Request m = mine.requests().get(r);
                if (g.has("context")) assertEquals(g.path("context").asText(), m.context(), run.name() + " doc " + d);
                assertEquals(g.path("context_sha256").asText(), Hashing.sha256(m.context()), run.name() + " doc " + d + " request " + r);
                assertEquals(g.path("continuation").asText(), m.continuation(), run.name() + " doc " + d + " request " + r);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runs")
    void sameMetricsFromTheSameLogLikelihoods(LmEvalOracle.Run run) {
        List<DocRequests> ours = LmEvalOracle.ourRequests(run);
        var spec = TaskCatalog.load(List.of()).tasks().get(run.task()).spec();
        List<String> metrics = spec.metricNames();
        List<List<Double>> perMetric = new ArrayList<>();
        metrics.forEach(m -> perMetric.add(new ArrayList<>()));
        for (int d = 0; d < ours.size(); d++) {
            JsonNode g = run.docs().get(d);
            int n = g.path("requests").size();
            double[] lls = new double[n];
            boolean[] greedy = new boolean[n];
            for (int r = 0; r < n; r++) {
                lls[r] = g.path("requests").get(r).path("ll").asDouble();
                greedy[r] = g.path("requests").get(r).path("is_greedy").asBoolean();
            }
            DocRequests mine = ours.get(d);
            DocScore s = spec.processResults() == null
                    ? MultipleChoice.score(metrics, mine.choices(), mine.gold(), lls, greedy)
                    : ResultProcessors.get(spec.processResults()).process(mine.doc(), metrics, lls, greedy);
            for (int k = 0; k < metrics.size(); k++) {
                double expected = g.path("metrics").path(metrics.get(k)).asDouble();
                assertEquals(expected, s.metrics().get(metrics.get(k)), 1e-12, run.name() + " doc " + d + " " + metrics.get(k));
                perMetric.get(k).add(s.metrics().get(metrics.get(k)));
            }
        }
        for (int k = 0; k < metrics.size(); k++) {
            double[] xs = perMetric.get(k).stream().mapToDouble(Double::doubleValue).toArray();
            assertEquals(run.results().path(metrics.get(k) + ",none").asDouble(), Stats.mean(xs), 1e-12);
            assertEquals(run.results().path(metrics.get(k) + "_stderr,none").asDouble(), Stats.meanStderr(xs), 1e-12);
        }
    }
}
