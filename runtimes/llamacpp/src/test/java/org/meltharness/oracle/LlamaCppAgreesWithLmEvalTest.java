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
import org.meltharness.runtime.llamacpp.LlamaCppRuntimeProvider;

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
        OracleAgreement.assertAgrees(run, runtime, TOLERANCE, "llama.cpp");
    }
}
