package org.meltharness.runtime.llamacpp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.HarnessException;
import org.meltharness.runtime.Generation;
import org.meltharness.runtime.GenerationRequest;
import org.meltharness.runtime.TokenListener;

/**
 * How much of a prompt generation keeps when it and max_tokens do not fit the window together
 * (issue 17, item 4): lm-evaluation-harness's left cut for lm-eval-sized requests; the whole prompt,
 * generation ending at the window, for a max_tokens near the window; no overflow at Integer.MAX_VALUE.
 */
class GeneratorWindowTest {
    @TempDir
    Path cache;

    private static final String PROMPT = "Once upon a time, there was a little girl named Lily. She liked to play outside.";

    @Test
    void theRuleOnTokenIds() {
        int[] p = IntStream.range(0, 100).toArray();
        assertArrayEquals(p, Generator.keep(p, 28, 128), "fits: kept whole");
        // lm-eval's rule while max_tokens is at most half the window: the last (window - max_tokens) tokens.
        assertArrayEquals(Arrays.copyOfRange(p, 36, 100), Generator.keep(p, 64, 128));
        // Near the window: kept whole rather than cut to its last token (what keep = max(1, window - max) gave).
        assertArrayEquals(p, Generator.keep(p, 127, 128));
        assertArrayEquals(p, Generator.keep(p, Integer.MAX_VALUE, 128));
        int[] long_ = IntStream.range(0, 200).toArray();
        HarnessException e = assertThrows(HarnessException.class, () -> Generator.keep(long_, 100, 128));
        assertEquals(HarnessException.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains("a prompt of 200 tokens leaves no room to generate in the model's window of 128"),
                e.getMessage());
        assertArrayEquals(Arrays.copyOfRange(long_, 136, 200), Generator.keep(long_, 64, 128), "lm-eval's cut still applies");
    }

    @Test
    void maxTokensNearTheWindowKeepsThePromptAndStopsAtTheWindow() {
        try (LlamaCppRuntime rt = TestModels.open(TestModels.f32(), cache)) {
            int window = rt.model().trainedContext(); // 512
            int promptTokens = rt.llamaTokenizer().encode(PROMPT).length;
            for (int max : new int[] {window - 1, Integer.MAX_VALUE}) {
                Generation g = rt.generate(new GenerationRequest(PROMPT, max, 0.0, 0, false, List.of()), TokenListener.NONE);
                assertEquals(promptTokens, g.promptTokens(), "max_tokens " + max + " kept the whole prompt");
                assertEquals(Generation.FinishReason.CONTEXT_FULL, g.finishReason(), "max_tokens " + max);
                assertEquals(window - promptTokens + 1, g.tokens().length, "max_tokens " + max + ": up to the window");
            }
            // Greedy text is the same as with a small max_tokens, up to where that one stops.
            Generation shortRun = rt.generate(new GenerationRequest(PROMPT, 20, 0.0, 0, false, List.of()), TokenListener.NONE);
            Generation longRun = rt.generate(new GenerationRequest(PROMPT, window - 1, 0.0, 0, false, List.of()),
                    TokenListener.NONE);
            assertArrayEquals(shortRun.tokens(), Arrays.copyOf(longRun.tokens(), 20));
        }
    }
}
