package org.meltharness.oracle;

import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.meltharness.SharedFiles;
import org.meltharness.runtime.ModelSource;
import org.meltharness.runtime.Runtime;
import org.meltharness.runtime.RuntimeConfig;
import org.meltharness.runtime.djl.DjlRuntimeProvider;

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
        OracleAgreement.assertAgrees(run, runtime, TOLERANCE, "djl " + folder);
    }
}
