package org.meltharness.runtime.jlama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.meltharness.runtime.Generation;
import org.meltharness.runtime.GenerationRequest;
import org.meltharness.runtime.TokenListener;
import org.meltharness.runtime.TextStream;
import org.meltharness.runtime.TokenGenerator;
import org.meltharness.runtime.TokenModel;
import org.meltharness.tokenize.HfTokenizer;

/** The generation loop and text streaming on a scripted model with the real stories260K tokenizer. */
class TokenGeneratorTest {
    private static HfTokenizer tok;

    @BeforeAll
    static void load() {
        tok = HfTokenizer.load(TestModels.pad192());
    }

    @AfterAll
    static void close() {
        tok.close();
    }

    /** Predicts {@code script[i]} after position i, whatever the input; records what it was run on. */
    private record ScriptedModel(int[] script, int window, List<int[]> calls) implements TokenModel {
        ScriptedModel(int[] script, int window) {
            this(script, window, new ArrayList<>());
        }

        @Override
        public int vocabularySize() {
            return 512;
        }

        @Override
        public int contextLength() {
            return window;
        }

        @Override
        public void forward(int[] tokens, int start, int firstLogitRow, LogitsSink sink) {
            calls.add(new int[] {start, tokens.length});
            for (int r = firstLogitRow; r < tokens.length; r++) {
                float[] logits = new float[512];
                logits[script[Math.min(start + r, script.length - 1)]] = 10f;
                sink.accept(r, logits);
            }
        }
    }

    @Test
    void stopsAtEndOfSequenceWhenAsked() {
        int[] hello = tail(tok.encode("Hello world"));
        int[] script = java.util.Arrays.copyOf(hello, hello.length + 3);
        script[hello.length] = 2;
        script[hello.length + 1] = hello[0];
        script[hello.length + 2] = hello[0];
        TokenGenerator gen = new TokenGenerator(tok, 1, Set.of(2));
        Generation stop = gen.generate(new ScriptedModel(script, 64),
                new GenerationRequest("", 20, 0, 0, true, List.of()), TokenListener.NONE);
        assertEquals(Generation.FinishReason.END_OF_SEQUENCE, stop.finishReason());
        assertArrayEquals(java.util.Arrays.copyOf(script, hello.length + 1), stop.tokens());
        assertEquals("Hello world", stop.text());

        Generation on = gen.generate(new ScriptedModel(script, 64),
                new GenerationRequest("", 5, 0, 0, false, List.of()), TokenListener.NONE);
        assertEquals(Generation.FinishReason.MAX_TOKENS, on.finishReason());
        assertEquals(5, on.tokens().length);
    }

    @Test
    void reusesTheStateOfEarlierPositions() {
        ScriptedModel model = new ScriptedModel(new int[] {300, 301, 302, 303, 304, 305, 306}, 64);
        new TokenGenerator(tok, 1, Set.of(2)).generate(model, GenerationRequest.greedy("Once upon a time", 3),
                TokenListener.NONE);
        // The prompt once (BOS + 4 tokens), then one token per step at the next position.
        assertArrayEquals(new int[] {0, 5}, model.calls().get(0));
        assertArrayEquals(new int[] {5, 1}, model.calls().get(1));
        assertArrayEquals(new int[] {6, 1}, model.calls().get(2));
        assertEquals(3, model.calls().size(), "no forward pass after the last token");
    }

    @Test
    void keepsThePromptsLastTokensThatLeaveRoomForTheAnswer() {
        ScriptedModel model = new ScriptedModel(new int[] {300, 301, 302, 303, 304, 305, 306, 307, 308, 309}, 8);
        TokenGenerator gen = new TokenGenerator(tok, 1, Set.of(2));
        // BOS + "Once upon" is 3 tokens; 6 new ones leave room for 2 of them (lm-eval's left cut).
        Generation g = gen.generate(model, new GenerationRequest("Once upon", 6, 0, 0, false, List.of()), TokenListener.NONE);
        assertEquals(2, g.promptTokens());
        assertEquals(6, g.tokens().length);
        assertEquals(Generation.FinishReason.MAX_TOKENS, g.finishReason());
    }

    @Test
    void anAnswerThatFillsTheWindowKeepsThePromptWholeInsteadOfItsLastToken() {
        TokenGenerator gen = new TokenGenerator(tok, 1, Set.of(2));
        for (int max : new int[] {8, 100, Integer.MAX_VALUE}) {
            ScriptedModel model = new ScriptedModel(new int[] {300, 301, 302, 303, 304, 305, 306, 307, 308, 309}, 8);
            Generation g = gen.generate(model, new GenerationRequest("Once upon", max, 0, 0, false, List.of()),
                    TokenListener.NONE);
            assertEquals(3, g.promptTokens(), "BOS + 2 tokens, not the last one alone");
            assertEquals(Generation.FinishReason.CONTEXT_FULL, g.finishReason());
            assertEquals(6, g.tokens().length);
        }
        ScriptedModel small = new ScriptedModel(new int[] {300}, 2);
        var e = org.junit.jupiter.api.Assertions.assertThrows(org.meltharness.HarnessException.class, () -> gen.generate(
                small, new GenerationRequest("Once upon", Integer.MAX_VALUE, 0, 0, true, List.of()), TokenListener.NONE));
        assertTrue(e.getMessage().contains("do not fit the model's window of 2 tokens"), e.getMessage());
        assertTrue(small.calls().isEmpty(), "nothing was run");
    }

    @Test
    void byteFallbackCharactersArriveWhole() {
        int[] ids = tail(tok.encode("Hi \ud83d\ude00 ok"));
        TextStream stream = new TextStream(tok, List.of());
        List<String> deltas = new ArrayList<>();
        for (int id : ids) deltas.add(stream.add(id));
        deltas.add(stream.flush());
        assertEquals("Hi \ud83d\ude00 ok", String.join("", deltas));
        assertTrue(deltas.stream().noneMatch(d -> d.indexOf('\uFFFD') >= 0), deltas.toString());
        assertTrue(deltas.contains("\ud83d\ude00") || deltas.stream().anyMatch(d -> d.endsWith("\ud83d\ude00")),
                deltas.toString());
        assertTrue(deltas.stream().filter(String::isEmpty).count() >= 3, "three incomplete bytes: " + deltas);
    }

    @Test
    void textThatMayStartAStopStringIsHeldBack() {
        TextStream stream = new TextStream(tok, List.of("girl named"));
        StringBuilder shown = new StringBuilder();
        for (int id : tail(tok.encode("a little girl who"))) {
            shown.append(stream.add(id));
            assertFalse(shown.toString().endsWith("girl"), "'girl' may begin 'girl named': " + shown);
        }
        shown.append(stream.flush());
        assertEquals("a little girl who", shown.toString());
        assertFalse(stream.stopped());

        TextStream stopping = new TextStream(tok, List.of("girl named"));
        StringBuilder cut = new StringBuilder();
        for (int id : tail(tok.encode("a little girl named Lily"))) {
            if (stopping.stopped()) break;
            cut.append(stopping.add(id));
        }
        assertTrue(stopping.stopped());
        assertEquals("a little ", cut.toString());
        assertEquals("a little ", stopping.text());
    }

    private static int[] tail(int[] withBos) {
        return java.util.Arrays.copyOfRange(withBos, 1, withBos.length);
    }
}
