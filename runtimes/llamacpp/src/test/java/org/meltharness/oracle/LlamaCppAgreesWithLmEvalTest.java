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
import org.junit.jupiter.params.provider.MethodSource;
import org.meltharness.SharedFiles;
import org.meltharness.runtime.LoglikelihoodRequest;
import org.meltharness.runtime.LoglikelihoodResult;
import org.meltharness.runtime.ModelSource;
import org.meltharness.runtime.Runtime;
import org.meltharness.runtime.RuntimeConfig;
import org.meltharness.runtime.llamacpp.LlamaCppRuntimeProvider;
import org.meltharness.score.MultipleChoice;
import org.meltharness.score.ResultProcessors;
import org.meltharness.task.DocRequests;
import org.meltharness.task.TaskCatalog;

/**
 * llama.cpp at F32 with an F32 KV cache (the runtime's default) gives the log-likelihoods
 * lm-evaluation-harness's Hugging Face backend gave for stories260K (here its GGUF, converted from
 * the llama2.c checkpoint), on every request of the oracle runs, truncated 5-shot prompts included,
 * the same greedy flags, and so the same metric for every document.
 */
class LlamaCppAgreesWithLmEvalTest {
    /** The project's bar for independent F32 runtimes (lm-eval sums float32 log-probs). */
    private static final double TOLERANCE = 1e-3;
    private static Runtime runtime;

    @BeforeAll
    static void load(@org.junit.jupiter.api.io.TempDir Path cache) {
        Path gguf = SharedFiles.root().resolve("models/stories260K/gguf/stories260K-f32.gguf");
        runtime = new LlamaCppRuntimeProvider().open(new RuntimeConfig(ModelSource.local(gguf), null, 0, cache, true,
                Map.of()));
    }

    @AfterAll
    static void close() {
        runtime.close();
    }

    static Stream<LmEvalOracle.Run> runs() {
        return LmEvalOracle.runs().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runs")
    void sameLogLikelihoodsAndGreedyFlags(LmEvalOracle.Run run) {
        List<DocRequests> docs = LmEvalOracle.ourRequests(run);
        List<LoglikelihoodRequest> requests = new ArrayList<>();
        for (DocRequests d : docs) {
            for (DocRequests.Request r : d.requests()) requests.add(new LoglikelihoodRequest(r.context(), r.continuation()));
        }
        List<LoglikelihoodResult> results = runtime.loglikelihood(requests);
        var spec = TaskCatalog.load(List.of()).tasks().get(run.task()).spec();
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
            var score = spec.processResults() == null
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
                assertTrue(diff < TOLERANCE, run.name() + " doc " + d + ": lm-eval " + g.path("ll").asDouble()
                        + ", llama.cpp " + r.logLikelihood());
                assertEquals(g.path("is_greedy").asBoolean(), r.greedy(), run.name() + " doc " + d);
            }
        }
        assertEquals(k, results.size());
        System.out.printf("%s: %d requests, max |ll difference| %.2e%n", run.name(), k, worst);
    }
}
