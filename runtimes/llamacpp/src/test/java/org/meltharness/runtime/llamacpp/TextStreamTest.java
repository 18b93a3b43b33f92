package org.meltharness.runtime.llamacpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.meltharness.runtime.TextStream;

/**
 * Streaming detokenisation, token by token, gives exactly the text of decoding all tokens at once,
 * on a SentencePiece vocabulary with byte tokens (characters split over several tokens) and on
 * SmolLM2's byte-level BPE vocabulary.
 */
class TextStreamTest {

    private static void assertStreamsAsWhole(Path gguf) {
        try (LlamaModel m = LlamaModel.load(TestModels.lib(), gguf, true)) {
            LlamaTokenizer t = new LlamaTokenizer(m);
            for (String text : ConvertTest.texts()) {
                int[] ids = t.encode(text);
                // Generated ids carry no BOS: the stream sees what a model would emit after it.
                int from = ids.length > 0 && ids[0] == t.bosTokenId() ? 1 : 0;
                TextStream s = new TextStream(t, List.of());
                StringBuilder shown = new StringBuilder();
                for (int i = from; i < ids.length; i++) {
                    String delta = s.add(ids[i]);
                    assertTrue(delta.indexOf('\uFFFD') < 0, "no half character is shown: " + text);
                    shown.append(delta);
                }
                shown.append(s.flush());
                String whole = t.decode(java.util.Arrays.copyOfRange(ids, from, ids.length));
                assertEquals(whole, shown.toString(), text);
                assertEquals(whole, s.text(), text);
            }
        }
    }

    @Test
    void sentencePieceWithByteTokens() {
        assertStreamsAsWhole(TestModels.f32());
    }

    @Test
    void byteLevelBpe() {
        assertStreamsAsWhole(TestModels.smollmShape().resolve("vocab.gguf"));
    }

    @Test
    void theTextEndsBeforeAStopStringAndHoldsBackItsStart() {
        try (LlamaModel m = LlamaModel.load(TestModels.lib(), TestModels.f32(), true)) {
            LlamaTokenizer t = new LlamaTokenizer(m);
            int[] ids = t.encode("Once upon a time, there was a little girl named Lily. She loved");
            TextStream s = new TextStream(t, List.of("named Li", "\n\n"));
            StringBuilder shown = new StringBuilder();
            for (int i = 1; i < ids.length && !s.stopped(); i++) {
                shown.append(s.add(ids[i]));
                assertTrue(!shown.toString().contains("named"), "a possible stop is held back: " + shown);
            }
            assertTrue(s.stopped());
            shown.append(s.flush());
            assertEquals("Once upon a time, there was a little girl ", shown.toString());
            assertEquals(shown.toString(), s.text());
        }
    }
}
