package org.meltharness.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.meltharness.SharedFiles;
import org.meltharness.oracle.LmEvalOracle;
import org.meltharness.oracle.OracleAgreement;
import org.meltharness.task.DocRequests;

/**
 * What every runtime must do, checked on stories260K at full precision: greedy text from BOS is
 * llama2.c's, log-likelihoods and metrics are lm-evaluation-harness's on every oracle run, one call
 * gives the numbers of each request alone (shared prefixes, batches), and inputs past the window are
 * cut from the left as lm-eval cuts them. A runtime module runs all of it by extending this class
 * and opening its runtime; one model is loaded for the whole class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class RuntimeConformance {
    private Runtime runtime;

    /** The runtime on stories260K at full precision (f32 weights), its caches under {@code cache}. */
    protected abstract Runtime open(Path cache);

    /**
     * How far log-likelihoods may be from lm-eval's: 1e-3 is the project's bar for an independent f32
     * runtime (lm-eval sums float32 log-probs, about 1e-4 of rounding on sums near -1000).
     */
    protected double oracleTolerance() {
        return 1e-3;
    }

    @BeforeAll
    final void load(@TempDir Path cache) {
        runtime = open(cache);
    }

    @AfterAll
    final void close() {
        if (runtime != null) runtime.close();
    }

    /** The runtime under test, loaded once for the class. */
    protected final Runtime runtime() {
        return runtime;
    }

    @Test
    void greedyTextFromBosIsLlama2cs() throws Exception {
        Path verification = SharedFiles.root().resolve("models/stories260K/verification");
        String golden = Files.readString(verification.resolve("golden_runc_t0_n200.txt"));
        int[] goldenIds = new ObjectMapper().readTree(verification.resolve("golden_ids_from_bos_t0_n200.json").toFile())
                .get("ids").traverse(new ObjectMapper()).readValueAs(int[].class);
        StringBuilder streamed = new StringBuilder();
        int[] calls = {0};
        Generation g = runtime.generate(new GenerationRequest("", 200, 0.0, 0, false, List.of()), (id, delta) -> {
            calls[0]++;
            streamed.append(delta);
        });
        assertArrayEquals(goldenIds, g.tokens());
        assertEquals(golden, g.text());
        assertEquals(golden, streamed.toString(), "the streamed pieces make the text");
        assertEquals(200, calls[0]);
        assertEquals(1, g.promptTokens(), "an empty prompt is BOS alone");
        assertEquals(Generation.FinishReason.MAX_TOKENS, g.finishReason());
        for (int i = 1; i < g.tokenNanos().length; i++) assertTrue(g.tokenNanos()[i] >= g.tokenNanos()[i - 1], "token times only grow");
        assertTrue(g.tokenNanos()[0] >= g.prefillNanos());
        assertTrue(g.totalNanos() >= g.tokenNanos()[199]);
    }

    Stream<LmEvalOracle.Run> oracleRuns() {
        return LmEvalOracle.runs().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oracleRuns")
    void logLikelihoodsAndMetricsAreLmEvals(LmEvalOracle.Run run) {
        OracleAgreement.assertAgrees(run, runtime, oracleTolerance(), runtime.info().runtime());
    }

    @Test
    void oneCallGivesTheNumbersOfEachRequestAlone() {
        // Real requests: every choice of the first documents of each zero-shot oracle run, so contexts are shared within a call.
        List<LoglikelihoodRequest> requests = new ArrayList<>();
        for (LmEvalOracle.Run run : LmEvalOracle.runs()) {
            if (run.numFewshot() > 0) continue; // long few-shot prompts would make this slow without checking more
            for (DocRequests d : LmEvalOracle.ourRequests(run).subList(0, 2)) {
                for (DocRequests.Request r : d.requests()) requests.add(new LoglikelihoodRequest(r.context(), r.continuation()));
            }
        }
        assertTrue(requests.size() >= 8, "enough requests to share prefixes: " + requests.size());
        List<LoglikelihoodResult> together = runtime.loglikelihood(requests);
        assertEquals(requests.size(), together.size(), "one result per request, in order");
        for (int i = 0; i < requests.size(); i++) {
            LoglikelihoodResult alone = runtime.loglikelihood(List.of(requests.get(i))).getFirst();
            LoglikelihoodResult in = together.get(i);
            String what = "request " + i + " " + requests.get(i);
            assertEquals(alone.logLikelihood(), in.logLikelihood(), 1e-5, what);
            assertEquals(alone.greedy(), in.greedy(), what);
            assertEquals(alone.contextTokens(), in.contextTokens(), what);
            assertEquals(alone.continuationTokens(), in.continuationTokens(), what);
            assertEquals(alone.truncated(), in.truncated(), what);
        }
    }

    @Test
    void nothingToScoreIsNoResult() {
        assertEquals(List.of(), runtime.loglikelihood(List.of()));
    }

    @Test
    void inputsPastTheWindowAreCutFromTheLeft() {
        int window = runtime.info().contextLength();
        String context = "Once upon a time, there was a little girl named Lily. ".repeat(Math.max(8, window / 4));
        LoglikelihoodResult r = runtime.loglikelihood(List.of(new LoglikelihoodRequest(context, " She"))).getFirst();
        assertTrue(r.truncated(), "a context of many times the window is cut");
        assertEquals(window, r.contextTokens() + r.continuationTokens() - 1, "lm-eval's (context + continuation)[-(window+1):][:-1]");
        assertTrue(Double.isFinite(r.logLikelihood()) && r.logLikelihood() < 0, String.valueOf(r.logLikelihood()));
    }
}
