package org.meltharness.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.HarnessException;
import org.meltharness.SharedFiles;

/** The stories260K tokenizer through the Rust tokenizers library; expected ids are llama2.c's and HF's own. */
class HfTokenizerTest {
    private static HfTokenizer tok;

    @BeforeAll
    static void load() {
        tok = HfTokenizer.load(SharedFiles.stories260k());
    }

    @AfterAll
    static void close() {
        tok.close();
    }

    @Test
    void encodesWithBosAsTheTokenizerConfigSays() {
        // verification/verify_transformers_5.18.txt lists these ids from transformers' AutoTokenizer.
        assertArrayEquals(new int[] {1, 403, 407, 261, 378}, tok.encode("Once upon a time"));
        assertArrayEquals(new int[] {1, 274, 287, 381, 261, 352, 266, 409, 275, 411}, tok.encode("Tom had a red kite"));
        assertArrayEquals(new int[] {1, 346, 306, 414, 432, 263, 304, 341, 410, 475, 479, 472, 410, 464, 464, 280, 412,
            431, 485, 410, 507, 410, 243, 162, 155, 131}, tok.encode("Hello, world 123 -- caf\u00e9 \u2122 \ud83d\ude00"));
        assertEquals(1, tok.prefixTokenId());
        assertEquals(2, tok.eosTokenId());
    }

    @Test
    void decodesByteFallbackAndDropsSpecials() {
        String text = "Hello, world 123 -- caf\u00e9 \u2122 \ud83d\ude00";
        assertEquals(text, tok.decode(tok.encode(text)));
    }

    @Test
    void doesNotTruncateLongInputs() {
        String longText = "the cat sat on the mat. ".repeat(200);
        int[] ids = tok.encode(longText);
        assertEquals(longText.strip(), tok.decode(ids).strip());
        assertEquals(true, ids.length > 512, "longer than the model's 512 positions: " + ids.length);
    }

    @Test
    void pairEncodingMovesTrailingSpacesToTheContinuation() {
        TokenizedPair spaced = PairEncoder.encode(tok, "Question: Is it red?\nAnswer: ", "yes");
        TokenizedPair plain = PairEncoder.encode(tok, "Question: Is it red?\nAnswer:", " yes");
        assertArrayEquals(plain.context(), spaced.context());
        assertArrayEquals(plain.continuation(), spaced.continuation());
        int[] whole = tok.encode("Question: Is it red?\nAnswer: yes");
        int[] joined = new int[plain.length()];
        System.arraycopy(plain.context(), 0, joined, 0, plain.context().length);
        System.arraycopy(plain.continuation(), 0, joined, plain.context().length, plain.continuation().length);
        assertArrayEquals(whole, joined, "context + continuation is the encoding of the whole string");
    }

    @Test
    void emptyContextBecomesThePrefixToken() {
        TokenizedPair p = PairEncoder.encode(tok, "", "Once upon a time");
        assertArrayEquals(new int[] {1}, p.context());
        assertArrayEquals(new int[] {1, 403, 407, 261, 378}, p.continuation(),
                "lm-eval encodes the continuation alone, with the tokenizer's default BOS");
    }

    @Test
    void badTokenizerFilesAreOneLineErrors(@TempDir Path dir) throws Exception {
        var missing = assertThrows(HarnessException.class, () -> HfTokenizer.load(dir));
        assertEquals(HarnessException.BAD_DATA, missing.exitCode());
        assertEquals("no tokenizer.json in " + dir, missing.getMessage());
        Files.writeString(dir.resolve("tokenizer.json"), "{\"version\": \"1.0\", \"model\": ");
        var broken = assertThrows(HarnessException.class, () -> HfTokenizer.load(dir));
        assertEquals(HarnessException.BAD_DATA, broken.exitCode());
        assertEquals(false, broken.getMessage().contains("\n"), broken.getMessage());
    }
}
