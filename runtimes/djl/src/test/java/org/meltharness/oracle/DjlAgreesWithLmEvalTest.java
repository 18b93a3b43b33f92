package org.meltharness.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.meltharness.SharedFiles;
import org.meltharness.runtime.LoglikelihoodRequest;
import org.meltharness.runtime.LoglikelihoodResult;
import org.meltharness.runtime.ModelSource;
import org.meltharness.runtime.Runtime;
import org.meltharness.runtime.RuntimeConfig;
import org.meltharness.runtime.djl.DjlRuntimeProvider;
import org.meltharness.score.DocScore;
import org.meltharness.score.MultipleChoice;
import org.meltharness.score.ResultProcessors;
import org.meltharness.task.DocRequests;
import org.meltharness.task.TaskCatalog;
import org.meltharness.task.TaskSpec;

/**
 * The DJL runtime gives the per-request log-likelihoods and greedy flags lm-evaluation-harness's
 * Hugging Face backend gave for stories260K, on every request of the oracle runs (truncated
 * 5-shot prompts included), and so the same metric for every document; on {@code hf} (as
 * stored) and {@code hf-pad192} (the same function with a zero-padded MLP).
 */
class DjlAgreesWithLmEvalTest {
    /** The project's bar for independent F32 runtimes (lm-eval sums float32 log-probs). */
    private static final double TOLERANCE = 1e-3;
    private static Runtime hf;
    private static Runtime pad192;
    private static Runtime sequential;

    @BeforeAll
    static void load() {
        hf = open(SharedFiles.stories260k(), "batched");
        pad192 = open(SharedFiles.stories260kPad192(), "batched");
        sequential = open(SharedFiles.stories260k(), "shared-prefix");
    }

    private static Runtime open(Path model, String scoring) {
        return new DjlRuntimeProvider().open(new RuntimeConfig(ModelSource.local(model), "f32", 1, null, true,
                Map.of("scoring", scoring)));
    }

    @AfterAll
    static void close() {
        hf.close();
        pad192.close();
        sequential.close();
    }

    /** Every run on both folders with the default (batched) scoring; hf with harness-core's sequential scorer too. */
    static Stream<Arguments> runs() {
        return LmEvalOracle.runs().stream().flatMap(r -> Stream.of(Arguments.of("hf", r), Arguments.of("hf-pad192", r),
                Arguments.of("hf shared-prefix", r)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("runs")
    void sameLogLikelihoodsGreedyFlagsAndMetrics(String folder, LmEvalOracle.Run run) {
        Runtime runtime = switch (folder) {
            case "hf" -> hf;
            case "hf-pad192" -> pad192;
            default -> sequential;
        };
        List<DocRequests> docs = LmEvalOracle.ourRequests(run);
        List<LoglikelihoodRequest> requests = new ArrayList<>();
        for (DocRequests d : docs) {
            for (DocRequests.Request r : d.requests()) requests.add(new LoglikelihoodRequest(r.context(), r.continuation()));
        }
        List<LoglikelihoodResult> results = runtime.loglikelihood(requests);
        TaskSpec spec = TaskCatalog.load(List.of()).tasks().get(run.task()).spec();
        int k = 0;
        double worst = 0;
        for (int d = 0; d < docs.size(); d++) {
            int n = docs.get(d).requests().size();
            double[] lls = new double[n];
            boolean[] greedy = new boolean[n];
            for (int i = 0; i < n; i++) {
                lls[i] = results.get(k + i).logLikelihood();
                greedy[i] = results.get(k + i).greedy();
            }
            DocScore score = spec.processResults() == null
                    ? MultipleChoice.score(spec.metricNames(), docs.get(d).choices(), docs.get(d).gold(), lls, greedy)
                    : ResultProcessors.get(spec.processResults()).process(docs.get(d).doc(), spec.metricNames(), lls, greedy);
            for (String m : spec.metricNames()) {
                assertEquals(run.docs().get(d).path("metrics").path(m).asDouble(), score.metrics().get(m), TOLERANCE,
                        run.name() + " doc " + d + " " + m);
            }
            for (JsonNode g : run.docs().get(d).path("requests")) {
                LoglikelihoodResult r = results.get(k++);
                double diff = Math.abs(g.path("ll").asDouble() - r.logLikelihood());
                worst = Math.max(worst, diff);
                assertTrue(diff < TOLERANCE, folder + " " + run.name() + " doc " + d + ": lm-eval " + g.path("ll").asDouble()
                        + ", djl " + r.logLikelihood());
                assertEquals(g.path("is_greedy").asBoolean(), r.greedy(), folder + " " + run.name() + " doc " + d);
            }
        }
        assertEquals(k, results.size());
        System.out.printf("djl %s %s: %d requests, max |ll difference| %.2e%n", folder, run.name(), k, worst);
    }
}
