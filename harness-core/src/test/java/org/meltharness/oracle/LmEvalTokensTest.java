package org.meltharness.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.meltharness.SharedFiles;
import org.meltharness.tokenize.HfTokenizer;

/**
 * Our tokenizer gives the ids transformers' AutoTokenizer gave lm-eval, BOS included, for every
 * string that does not start with whitespace. For those that do, transformers 5 differs from the
 * model's own tokenizer.json: it replaces the Llama normalizer (always prepend "▁") by a Metaspace
 * pre-tokenizer that prepends only when the text does not already start with a space. We follow
 * tokenizer.json (as the tokenizers library, transformers 4 and llama.cpp do); no task's context
 * starts with whitespace, so no prompt of ours is affected.
 */
class LmEvalTokensTest {
    @Test
    void sameIdsAsTransformers() {
        int checked = 0;
        try (HfTokenizer tok = HfTokenizer.load(SharedFiles.stories260k())) {
            for (JsonNode t : LmEvalOracle.tokens()) {
                String text = t.path("text").asText();
                int[] expected = new int[t.path("ids_default").size()];
                for (int i = 0; i < expected.length; i++) expected[i] = t.path("ids_default").get(i).asInt();
                if (text.startsWith(" ")) {
                    // tokenizer.json: BOS, "▁" prepended, then the text with spaces as "▁": one "▁" more.
                    int[] ours = tok.encode(text);
                    assertEquals(410, ours[1], "the extra token is the prepended \"▁\"");
                    int[] withoutIt = IntStream.concat(IntStream.of(ours[0]), Arrays.stream(ours, 2, ours.length)).toArray();
                    assertArrayEquals(expected, withoutIt, text);
                    continue;
                }
                assertArrayEquals(expected, tok.encode(text), text);
                checked++;
            }
        }
        assertTrue(checked >= 30, "checked " + checked);
    }
}
