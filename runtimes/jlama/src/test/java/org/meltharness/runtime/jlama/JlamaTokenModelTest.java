package org.meltharness.runtime.jlama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.tensor.AbstractTensor;
import com.github.tjake.jlama.tensor.KvBufferCache;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Jlama traps this module works around, each pinned against Jlama's own behaviour. */
class JlamaTokenModelTest {
    private static JlamaRuntime rt;
    private static AbstractModel model;
    /** The first 60 greedy tokens after BOS: a text the model finds likely, so log-probs are varied. */
    private static final int[] TEXT = {1, 403, 407, 261, 378, 432, 383, 286, 261, 376, 298, 315, 421, 395, 317, 426,
        338, 401, 396, 267, 337, 410, 408, 419, 292, 411, 322, 265, 282, 295, 433, 426, 385, 328, 432, 358, 394, 261,
        370, 432, 352, 266, 268, 388, 426, 338, 391, 266, 267, 337, 335, 312, 432, 398, 312, 286, 267, 414, 270, 333};

    @BeforeAll
    static void open() {
        rt = TestModels.open(TestModels.pad192(), "f32", null);
        model = rt.model();
    }

    @AfterAll
    static void close() {
        rt.close();
    }

    @Test
    void piecesAreAtMostFiveOrMultiplesOfFive() {
        assertArrayEquals(new int[] {250, 3}, JlamaTokenModel.pieces(253, 255));
        assertArrayEquals(new int[] {255, 255, 2}, JlamaTokenModel.pieces(512, 255));
        assertArrayEquals(new int[] {5, 1}, JlamaTokenModel.pieces(6, 255));
        assertArrayEquals(new int[] {4}, JlamaTokenModel.pieces(4, 255));
        assertArrayEquals(new int[] {}, JlamaTokenModel.pieces(0, 255));
        assertEquals(255, JlamaTokenModel.maxPiece(256));
        for (int n = 1; n <= 600; n++) {
            int[] p = JlamaTokenModel.pieces(n, 255);
            assertEquals(n, Arrays.stream(p).sum());
            assertTrue(Arrays.stream(p).allMatch(x -> x <= 5 || (x % 5 == 0 && x <= 255)), "n=" + n);
        }
    }

    @Test
    void batchedAndTokenByTokenGiveTheSameLogProbs() {
        double[] reference = new double[TEXT.length - 1];
        try (JlamaTokenModel single = new JlamaTokenModel(model, 506)) {
            for (int i = 0; i < TEXT.length - 1; i++) {
                int next = TEXT[i + 1];
                int pos = i;
                single.forward(new int[] {TEXT[i]}, i, 0, (row, l) -> reference[pos] = logProb(l, next));
            }
        }
        for (int length = 1; length <= 40; length++) {
            int n = length;
            try (JlamaTokenModel batched = new JlamaTokenModel(model, 506)) {
                double[] got = new double[n + 1];
                batched.forward(Arrays.copyOf(TEXT, n), 0, 0, (row, l) -> got[row] = logProb(l, TEXT[row + 1]));
                // One more token after the batch reads the batch's key/value entries.
                batched.forward(new int[] {TEXT[n]}, n, 0, (row, l) -> got[n] = logProb(l, TEXT[n + 1]));
                for (int i = 0; i <= n; i++) {
                    assertEquals(reference[i], got[i], 1e-5, "length " + n + ", row " + i);
                }
            }
        }
    }

    @Test
    void jlamaItselfCorruptsBatchesOfSevenTokens() {
        // The trap JlamaTokenModel cuts around: seven tokens in one batchForward (native kernel).
        assertEquals(JlamaEngine.NATIVE, rt.info().details().get("tensorOperations"));
        float[] fromBatch = new float[model.getConfig().vocabularySize];
        float[] fromSingles = new float[fromBatch.length];
        try (KvBufferCache.KvBuffer kv = new KvBufferCache(model).getEphemeralKvBuffer();
                AbstractTensor logits = model.makeDenseTensor(1, fromBatch.length)) {
            AbstractTensor out = model.batchForward(Arrays.copyOf(TEXT, 7), 0, kv);
            model.sample(out.slice(6), 0f, 0f, logits);
            out.close();
            copy(logits, fromBatch);
        }
        try (KvBufferCache.KvBuffer kv = new KvBufferCache(model).getEphemeralKvBuffer();
                AbstractTensor logits = model.makeDenseTensor(1, fromBatch.length)) {
            for (int i = 0; i < 7; i++) {
                AbstractTensor out = model.batchForward(new int[] {TEXT[i]}, i, kv);
                model.sample(out.slice(0), 0f, 0f, logits);
                out.close();
            }
            copy(logits, fromSingles);
        }
        double maxDiff = IntStream.range(0, fromBatch.length).mapToDouble(i -> Math.abs(fromBatch[i] - fromSingles[i]))
                .max().orElseThrow();
        assertTrue(maxDiff > 1e-2, "Jlama's 7-token batch now matches (max diff " + maxDiff
                + "): the multiple-of-5 workaround may be obsolete");
    }

    @Test
    void theWholeWindowRunsOnceTheRopeTableHasHeadroom() throws Exception {
        // With config.json as it is, Jlama's RoPE table would end 6 positions early (2 per extra
        // key/value head); the loader lengthens the table so all 512 positions run.
        var raw = com.github.tjake.jlama.util.JsonSupport.om.readValue(
                TestModels.pad192().resolve("config.json").toFile(), com.github.tjake.jlama.model.llama.LlamaConfig.class);
        assertEquals(506, JlamaTokenModel.window(raw));
        assertEquals(512, rt.info().contextLength());
        try (KvBufferCache.KvBuffer kv = new KvBufferCache(model).getEphemeralKvBuffer()) {
            model.batchForward(new int[510], 0, kv).close();
            model.batchForward(new int[] {5, 6}, 510, kv).close();
        }
        try (JlamaTokenModel tm = new JlamaTokenModel(model, 512)) {
            assertThrows(IllegalArgumentException.class, () -> tm.forward(new int[] {1, 2}, 511, 0, (r, l) -> {}));
        }
    }

    @Test
    void pchunkLosesRowsWithJlamasNativeSplitCountButNotOnePerThread() {
        // VectorMath.pchunk with the native library's 128 splits:
        assertFalse(ThreadSplitOperations.coversAllRows(192, 128)); // stories260K/hf-pad192 intermediate
        assertFalse(ThreadSplitOperations.coversAllRows(576, 128)); // SmolLM2-135M hidden
        assertFalse(ThreadSplitOperations.coversAllRows(520, 128)); // a vocabulary 8 above 512
        assertTrue(ThreadSplitOperations.coversAllRows(512, 128));
        assertTrue(ThreadSplitOperations.coversAllRows(49152, 128));
        assertTrue(ThreadSplitOperations.coversAllRows(50257, 128)); // GPT-2's vocabulary happens to be whole
        // One split per thread: whole whenever length >= threads^2 (length % s < s <= length / s).
        for (int threads = 1; threads <= 16; threads++) {
            for (int len : new int[] {256, 520, 576, 1536, 50257}) {
                assertTrue(ThreadSplitOperations.coversAllRows(len, threads), len + " / " + threads);
            }
        }
        // Below that it can still lose rows, which JlamaLoader.checkShapes refuses: 32 = 7 * 4 + 4.
        assertFalse(ThreadSplitOperations.coversAllRows(32, 7));
        assertEquals(rt.info().details().get("threads"), JlamaEngine.splits());
    }

    @Test
    void vocabularyBeyondAMultipleOf128IsComputedWhole(@TempDir Path tmp) {
        try (JlamaRuntime padded = TestModels.open(TestModels.paddedVocabulary(tmp.resolve("v520"), 8), "f32", null);
                JlamaTokenModel tm = new JlamaTokenModel(padded.model(), 506)) {
            assertEquals(520, tm.vocabularySize());
            tm.forward(Arrays.copyOf(TEXT, 12), 0, 0, (row, l) -> {
                for (int i = 0; i < 8; i++) {
                    assertEquals(l[i], l[512 + i], "row " + row + ": logit of copied token " + (512 + i));
                }
            });
        }
    }

    private static double logProb(float[] logits, int target) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) max = Math.max(max, v);
        double sum = 0;
        for (float v : logits) sum += Math.exp(v - max);
        return logits[target] - max - Math.log(sum);
    }

    private static void copy(AbstractTensor logits, float[] into) {
        for (int i = 0; i < into.length; i++) into[i] = logits.get(0, i);
    }
}
