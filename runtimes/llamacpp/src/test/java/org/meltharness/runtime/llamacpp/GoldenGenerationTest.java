package org.meltharness.runtime.llamacpp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.runtime.Generation;
import org.meltharness.runtime.GenerationRequest;

/** Greedy text of stories260K-f32.gguf against llama2.c's reference run.c output. */
class GoldenGenerationTest {
    @TempDir
    Path cache;

    @Test
    void greedyFromBosReproducesRunC() throws Exception {
        String golden = Files.readString(TestModels.verification().resolve("golden_runc_t0_n200.txt"));
        int[] goldenIds = new ObjectMapper()
                .readTree(TestModels.verification().resolve("golden_ids_from_bos_t0_n200.json").toFile())
                .get("ids").traverse(new ObjectMapper()).readValueAs(int[].class);
        StringBuilder streamed = new StringBuilder();
        int[] calls = {0};
        try (LlamaCppRuntime rt = TestModels.open(TestModels.f32(), cache)) {
            Generation g = rt.generate(new GenerationRequest("", 200, 0.0, 0, false, List.of()), (id, delta) -> {
                calls[0]++;
                streamed.append(delta);
            });
            assertArrayEquals(goldenIds, g.tokens());
            assertEquals(golden, g.text(), "llama_detokenize drops the leading space of the first token without BOS");
            assertEquals(golden, streamed.toString());
            assertEquals(200, calls[0]);
            assertEquals(1, g.promptTokens(), "an empty prompt is BOS alone");
            assertEquals(Generation.FinishReason.MAX_TOKENS, g.finishReason());
            for (int i = 1; i < g.tokenNanos().length; i++) assertTrue(g.tokenNanos()[i] >= g.tokenNanos()[i - 1]);
            assertTrue(g.tokenNanos()[0] >= g.prefillNanos());
            assertTrue(g.totalNanos() >= g.tokenNanos()[199]);
        }
    }
}
