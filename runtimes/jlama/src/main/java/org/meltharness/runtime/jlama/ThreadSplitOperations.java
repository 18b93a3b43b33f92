package org.meltharness.runtime.jlama;

import com.github.tjake.jlama.safetensors.DType;
import com.github.tjake.jlama.tensor.AbstractTensor;
import com.github.tjake.jlama.tensor.operations.TensorOperations;

/**
 * Jlama's native tensor operations with one change: work is split into as many pieces as there are
 * threads (as Jlama's Panama operations do) instead of 128.
 *
 * <p>Why: Jlama 0.8.4's {@code VectorMath.pchunk(offset, length)} cuts {@code length} rows into
 * {@code splits = min(length, parallelSplitSize())} chunks of {@code length / splits} and hands the
 * last chunk only {@code length % chunkSize} extra rows, so {@code splits * chunkSize + length % chunkSize}
 * rows are computed and the rest are left as whatever the buffer held. With the native library's
 * 128 splits that loses the last rows of a dimension whenever {@code length % 128 >= length / 128}:
 * the intermediate 192 of stories260K/hf-pad192 (rows 128..191 never computed: greedy text wrong
 * from the third token), SmolLM2-135M's hidden size 576 and KV width 192, a 520-token vocabulary.
 * Dimensions that are multiples of 128, or above 16384 (most vocabularies), happen to be whole.
 * With one split per thread, rows are lost only where {@code length % splits >= length / splits},
 * which {@link JlamaLoader} checks.
 *
 * <p>Every other method delegates to the native operations unchanged.
 */
final class ThreadSplitOperations implements TensorOperations {
    private final TensorOperations delegate;
    private final int splits;

    ThreadSplitOperations(TensorOperations delegate, int splits) {
        this.delegate = delegate;
        this.splits = splits;
    }

    /** Whether {@code VectorMath.pchunk} computes every row of {@code length} with {@code splits} splits. */
    static boolean coversAllRows(int length, int splits) {
        int s = Math.min(length, splits);
        if (s <= 1) return true;
        int chunk = length / s;
        return (long) s * chunk + length % chunk == length;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public int parallelSplitSize() {
        return splits;
    }

    @Override
    public float dotProduct(AbstractTensor a, AbstractTensor b, int limit) {
        return delegate.dotProduct(a, b, limit);
    }

    @Override
    public float dotProduct(AbstractTensor a, AbstractTensor b, int aoffset, int boffset, int limit) {
        return delegate.dotProduct(a, b, aoffset, boffset, limit);
    }

    @Override
    public void batchDotProduct(AbstractTensor result, AbstractTensor a, AbstractTensor b, int aColumnOffset,
            int bColumnOffset, int columnLimit) {
        delegate.batchDotProduct(result, a, b, aColumnOffset, bColumnOffset, columnLimit);
    }

    @Override
    public void batchDotProduct(AbstractTensor result, AbstractTensor a, AbstractTensor b, int aColumnOffset,
            int bColumnOffset, int columnLimit, int rRowOffset, int bRowOffset, int rowChunkSize) {
        delegate.batchDotProduct(result, a, b, aColumnOffset, bColumnOffset, columnLimit, rRowOffset, bRowOffset,
                rowChunkSize);
    }

    @Override
    public void dotProductChunk(AbstractTensor result, AbstractTensor a, AbstractTensor b, int columnOffset,
            int columnLimit, int rowOffset, int rowChunkSize) {
        delegate.dotProductChunk(result, a, b, columnOffset, columnLimit, rowOffset, rowChunkSize);
    }

    @Override
    public void dotProductBatchChunk(AbstractTensor[] result, AbstractTensor a, AbstractTensor[] b, int offset,
            int limit, int chunkStart, int chunkSize) {
        delegate.dotProductBatchChunk(result, a, b, offset, limit, chunkStart, chunkSize);
    }

    @Override
    public void accumulate(AbstractTensor a, AbstractTensor b, int offset, int length) {
        delegate.accumulate(a, b, offset, length);
    }

    @Override
    public void maccumulate(AbstractTensor a, AbstractTensor b, int offset, int length) {
        delegate.maccumulate(a, b, offset, length);
    }

    @Override
    public void saxpy(float alpha, AbstractTensor x, AbstractTensor y, int xoffset, int yoffset, int limit) {
        delegate.saxpy(alpha, x, y, xoffset, yoffset, limit);
    }

    @Override
    public void saxpy(AbstractTensor alpha, AbstractTensor x, AbstractTensor y, int xoffset, int yoffset, int limit,
            int aOffset, int xRowOffset, int batchSize) {
        delegate.saxpy(alpha, x, y, xoffset, yoffset, limit, aOffset, xRowOffset, batchSize);
    }

    @Override
    public void scale(float factor, AbstractTensor x, int offset, int length) {
        delegate.scale(factor, x, offset, length);
    }

    @Override
    public AbstractTensor quantize(AbstractTensor t, DType qtype, int offset, int length) {
        return delegate.quantize(t, qtype, offset, length);
    }

    @Override
    public float sum(AbstractTensor a) {
        return delegate.sum(a);
    }
}
