package org.meltharness.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.meltharness.tokenize.TextTokenizer;

/** llama-bench's random prompt reaches the asked token count through a tokenizer. */
class SyntheticPromptTest {
    /** Words "wN" for ids N, BOS (id 1) prepended on encode; ids 0..2 are special and decode to nothing. */
    private static final TextTokenizer WORDS = new TextTokenizer() {
        @Override
        public int[] encode(String text) {
            String[] words = text.isBlank() ? new String[0] : text.strip().split("\\s+");
            int[] ids = new int[words.length + 1];
            ids[0] = 1;
            for (int i = 0; i < words.length; i++) ids[i + 1] = Integer.parseInt(words[i].substring(1));
            return ids;
        }

        @Override
        public String decode(int[] ids) {
            return Arrays.stream(ids).filter(i -> i > 2).mapToObj(i -> "w" + i).collect(Collectors.joining(" "));
        }

        @Override
        public int prefixTokenId() {
            return 1;
        }

        @Override
        public int eosTokenId() {
            return 2;
        }

        @Override
        public String describe() {
            return "words";
        }
    };

    @Test
    void encodesToTheAskedLengthBosIncludedAndIsSeeded() {
        String p = SyntheticPrompt.of(WORDS, 512, 100, 7);
        assertEquals(512, WORDS.encode(p).length);
        assertEquals(p, SyntheticPrompt.of(WORDS, 512, 100, 7));
        assertNotEquals(p, SyntheticPrompt.of(WORDS, 512, 100, 8));
        assertEquals(1, WORDS.encode(SyntheticPrompt.of(WORDS, 1, 100, 7)).length);
    }
}
