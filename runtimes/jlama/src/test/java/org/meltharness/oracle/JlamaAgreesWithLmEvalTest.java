package org.meltharness.oracle;

import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.meltharness.SharedFiles;
import org.meltharness.runtime.ModelSource;
import org.meltharness.runtime.Runtime;
import org.meltharness.runtime.RuntimeConfig;
import org.meltharness.runtime.jlama.JlamaRuntimeProvider;

/**
 * The Jlama runtime at f32 gives the log-likelihoods lm-evaluation-harness's Hugging Face backend
 * gave for the same model (stories260K; hf-pad192 is the same function with a zero-padded MLP), on
 * every request of the oracle runs (truncated 5-shot prompts included), and so the same metric for
 * every document.
 */
class JlamaAgreesWithLmEvalTest {
    /**
     * The project's bar for independent F32 runtimes. lm-eval sums float32 log-probs, so its own
     * values carry about 1e-4 of rounding on sums near -1000.
     */
    private static final double TOLERANCE = 1e-3;
    private static Runtime runtime;

    @BeforeAll
    static void load(@org.junit.jupiter.api.io.TempDir Path cache) {
        runtime = new JlamaRuntimeProvider().open(new RuntimeConfig(ModelSource.local(SharedFiles.stories260kPad192()), "f32",
                0, cache, true, Map.of()));
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
        OracleAgreement.assertAgrees(run, runtime, TOLERANCE, "jlama");
    }
}
