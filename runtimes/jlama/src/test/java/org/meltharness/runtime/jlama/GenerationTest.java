package org.meltharness.runtime.jlama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.meltharness.runtime.Generation;
import org.meltharness.runtime.GenerationRequest;
import org.meltharness.runtime.TokenListener;

/** Generation on stories260K: prompts, stop strings, seeded sampling, a full context. */
class GenerationTest {
    private static JlamaRuntime rt;

    @BeforeAll
    static void open() {
        rt = TestModels.open(TestModels.pad192(), "f32", null);
    }

    @AfterAll
    static void close() {
        rt.close();
    }

    @Test
    void stopsBeforeAStopString() {
        StringBuilder streamed = new StringBuilder();
        Generation g = rt.generate(new GenerationRequest("", 100, 0, 0, true, List.of("Lily", "zebra")),
                (id, delta) -> streamed.append(delta));
        assertEquals("Once upon a time, there was a little girl named ", g.text());
        assertEquals(g.text(), streamed.toString());
        assertEquals(Generation.FinishReason.STOP_STRING, g.finishReason());
    }

    @Test
    void continuesAPromptWithItsTokensCounted() {
        Generation g = rt.generate(GenerationRequest.greedy("Once upon a time", 12), TokenListener.NONE);
        assertEquals(5, g.promptTokens(), "BOS and four tokens");
        assertEquals(12, g.tokens().length);
        assertEquals(", there was a little girl named Lily. She", g.text());
    }

    @Test
    void seededSamplingIsRepeatableAndDependsOnTheSeed() {
        GenerationRequest a = new GenerationRequest("Once upon a time", 40, 1.0, 42, false, List.of());
        Generation first = rt.generate(a, TokenListener.NONE);
        Generation again = rt.generate(a, TokenListener.NONE);
        Generation other = rt.generate(new GenerationRequest("Once upon a time", 40, 1.0, 43, false, List.of()),
                TokenListener.NONE);
        assertArrayEquals(first.tokens(), again.tokens());
        assertEquals(first.text(), again.text());
        assertFalse(Arrays.equals(first.tokens(), other.tokens()));
        Generation greedy = rt.generate(GenerationRequest.greedy("Once upon a time", 40), TokenListener.NONE);
        assertFalse(Arrays.equals(first.tokens(), greedy.tokens()));
    }

    @Test
    void stopsWhenTheContextIsFull() {
        Generation g = rt.generate(new GenerationRequest("", 1000, 0.0, 0, false, List.of()), TokenListener.NONE);
        assertEquals(Generation.FinishReason.CONTEXT_FULL, g.finishReason());
        assertEquals(1, g.promptTokens());
        assertEquals(512, g.tokens().length, "positions 1..511 are fed back; the last token is not");
    }

    @Test
    void longPromptsKeepTheirEndAsLmEvalDoes() {
        String story = "Once upon a time, there was a little girl named Lily. ".repeat(60);
        Generation g = rt.generate(GenerationRequest.greedy(story, 10), TokenListener.NONE);
        assertEquals(502, g.promptTokens(), "window 512 - 10 new tokens");
        assertEquals(10, g.tokens().length);
        assertEquals(Generation.FinishReason.MAX_TOKENS, g.finishReason());
    }
}
