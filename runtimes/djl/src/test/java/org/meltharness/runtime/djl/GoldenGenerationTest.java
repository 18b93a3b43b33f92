package org.meltharness.runtime.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.meltharness.SharedFiles;
import org.meltharness.runtime.Generation;
import org.meltharness.runtime.GenerationRequest;

/** Greedy text of stories260K (as stored, and with its MLP zero-padded) against llama2.c's reference run.c output. */
class GoldenGenerationTest {

    @ParameterizedTest
    @ValueSource(strings = {"hf", "hf-pad192"})
    void greedyFromBosReproducesRunC(String folder) throws Exception {
        Path model = SharedFiles.root().resolve("models/stories260K").resolve(folder);
        String golden = Files.readString(DjlTestModels.verification().resolve("golden_runc_t0_n200.txt"));
        int[] goldenIds = new ObjectMapper()
                .readTree(DjlTestModels.verification().resolve("golden_ids_from_bos_t0_n200.json").toFile())
                .get("ids").traverse(new ObjectMapper()).readValueAs(int[].class);
        StringBuilder streamed = new StringBuilder();
        int[] calls = {0};
        try (DjlRuntime rt = DjlTestModels.open(model)) {
            Generation g = rt.generate(new GenerationRequest("", 200, 0.0, 0, false, List.of()), (id, delta) -> {
                calls[0]++;
                streamed.append(delta);
            });
            assertArrayEquals(goldenIds, g.tokens());
            assertEquals(golden, g.text());
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
