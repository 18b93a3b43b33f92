package org.meltharness.runtime.jlama;

import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.safetensors.Config;
import com.github.tjake.jlama.tensor.AbstractTensor;
import com.github.tjake.jlama.tensor.KvBufferCache;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.meltharness.runtime.TokenModel;

/**
 * A Jlama model as a {@link TokenModel}: batched forward passes over one positional key/value
 * buffer of its own, with raw logits from the model's output head.
 *
 * <p>Inputs are cut into pieces that avoid two Jlama 0.8.4 behaviours: {@code batchForward}
 * returns the hidden states of its last internal batch only ({@code jlama.max_batch_size}, 256),
 * and its native matrix kernel tiles rows by up to 5 and skips the corner tile when both the
 * token count and the output rows per split leave a remainder, so a piece of more than 5 tokens
 * that is not a multiple of 5 gets wrong last rows and key/value entries. Pieces are therefore at
 * most 5 tokens or a multiple of 5 (253 tokens run as 250 + 3).
 */
final class JlamaTokenModel implements TokenModel, AutoCloseable {
    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final AbstractModel model;
    private final int vocabulary;
    private final int window;
    private final int maxPiece;
    private final KvBufferCache.KvBuffer kv;
    private final AbstractTensor logitsTensor;
    private final float[] logits;

    JlamaTokenModel(AbstractModel model, int window) {
        this.model = model;
        this.vocabulary = model.getConfig().vocabularySize;
        this.window = window;
        this.maxPiece = maxPiece(Integer.getInteger("jlama.max_batch_size", 256));
        this.kv = new KvBufferCache(model).getEphemeralKvBuffer();
        this.logitsTensor = model.makeDenseTensor(1, vocabulary);
        this.logits = new float[vocabulary];
    }

    /**
     * Positions Jlama 0.8.4 can run. Its RoPE code indexes the precomputed table of
     * {@code max_position_embeddings * head_dim / 2} entries at {@code (position + 2h) * head_dim / 2}
     * for key/value head {@code h} (every head when there is no grouped-query attention): each head
     * is rotated as if {@code 2h} positions later, which cancels out in attention (RoPE is relative)
     * but runs off the table for the last {@code 2 * (heads - 1)} positions with an
     * ArrayIndexOutOfBoundsException. stories260K (512 positions, 4 key/value heads): positions 506
     * to 511 throw, so the window is 506.
     */
    static int window(Config c) {
        if (c.ropeFreqs.isEmpty()) return c.contextLength;
        int lastHead = (c.isGQA ? c.numberOfKeyValueHeads : c.numberOfHeads) - 1;
        return c.contextLength - 2 * lastHead;
    }

    /** The largest piece for a batch limit: a multiple of 5 (or the limit itself if 5 or less). */
    static int maxPiece(int maxBatch) {
        return maxBatch <= 5 ? maxBatch : maxBatch - maxBatch % 5;
    }

    /** How {@code n} tokens are cut: pieces of {@code maxPiece} (a multiple of 5), then a multiple of 5, then up to 4. */
    static int[] pieces(int n, int maxPiece) {
        int[] out = new int[n / Math.max(1, maxPiece) + 2];
        int k = 0;
        int left = n;
        while (left > 0) {
            int p = left <= 5 ? left : Math.min(maxPiece, left - left % 5);
            out[k++] = p;
            left -= p;
        }
        return Arrays.copyOf(out, k);
    }

    @Override
    public int vocabularySize() {
        return vocabulary;
    }

    @Override
    public int contextLength() {
        return window;
    }

    @Override
    public void forward(int[] tokens, int start, int firstLogitRow, LogitsSink sink) {
        if (start < 0 || start + tokens.length > window) {
            throw new IllegalArgumentException("positions " + start + ".." + (start + tokens.length - 1)
                    + " exceed the window of " + window);
        }
        int offset = 0;
        for (int piece : pieces(tokens.length, maxPiece)) {
            int[] ids = Arrays.copyOfRange(tokens, offset, offset + piece);
            AbstractTensor out = model.batchForward(ids, start + offset, kv);
            try {
                for (int r = Math.max(0, firstLogitRow - offset); r < piece; r++) {
                    sink.accept(offset + r, logits(out.slice(r)));
                }
            } finally {
                out.close();
            }
            offset += piece;
        }
    }

    /** Raw logits of one hidden state: final norm, output projection, logit scaling and soft-capping. */
    private float[] logits(AbstractTensor hidden) {
        model.sample(hidden, 0f, 0f, logitsTensor);
        MemorySegment.copy(logitsTensor.getMemorySegment(), FLOAT_LE, 0, logits, 0, vocabulary);
        return logits;
    }

    @Override
    public void close() {
        kv.close();
        logitsTensor.close();
    }
}
