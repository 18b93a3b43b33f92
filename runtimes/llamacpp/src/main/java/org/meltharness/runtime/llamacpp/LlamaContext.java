package org.meltharness.runtime.llamacpp;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import org.meltharness.HarnessException;

/**
 * A {@code llama_context} on a loaded model: the key/value cache (one cache shared by up to
 * {@code seqs} sequences), {@code llama_decode} and the logits it leaves. Driven by one thread at a
 * time; {@link #close} may come from another and waits for the call in progress ({@link NativeGuard}).
 */
final class LlamaContext implements AutoCloseable {

    /**
     * @param cells KV cache cells ({@code n_ctx}), shared by all sequences
     * @param batch most tokens per {@code llama_decode} ({@code n_batch})
     * @param ubatch tokens per compute step ({@code n_ubatch})
     * @param seqs sequences ({@code n_seq_max})
     * @param kvType the cache's element type (F32, F16 or Q8_0; Q8_0 needs flash attention)
     */
    record Settings(int cells, int batch, int ubatch, int seqs, int threads, GgmlType kvType) {
        Settings {
            if (cells < 1 || batch < 1 || ubatch < 1 || seqs < 1 || threads < 1) {
                throw new IllegalArgumentException("context settings must be positive: " + this);
            }
            if (kvType != GgmlType.F32 && kvType != GgmlType.F16 && kvType != GgmlType.Q8_0) {
                throw new IllegalArgumentException("KV cache type " + kvType);
            }
        }

        boolean flashAttention() {
            return kvType.quantized(); // llama.cpp quantises the V cache only with flash attention
        }
    }

    private final LlamaCpp lib;
    private final LlamaModel model;
    private final Settings settings;
    private final NativeGuard guard;
    private final MemorySegment ctx;
    private final MemorySegment memory;
    private final int vocab;
    private final int cells;
    private final Batch batch;
    private volatile boolean closed;

    LlamaContext(LlamaModel model, Settings settings) {
        this.lib = model.lib();
        this.model = model;
        this.settings = settings;
        this.guard = model.guard();
        this.vocab = model.vocabularySize();
        checkKvType(model.gguf(), settings.kvType());
        long mark = NativeLog.mark();
        StructLayout s = Layouts.CONTEXT_PARAMS;
        MemorySegment made;
        guard.enter(model.closed(), "model");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment defaults = (MemorySegment) lib.contextDefaultParams.invokeExact((SegmentAllocator) arena);
            MemorySegment p = arena.allocate(s);
            p.copyFrom(defaults.asSlice(0, s.byteSize()));
            p.set(JAVA_INT, Layouts.offset(s, "n_ctx"), settings.cells());
            p.set(JAVA_INT, Layouts.offset(s, "n_batch"), settings.batch());
            p.set(JAVA_INT, Layouts.offset(s, "n_ubatch"), Math.min(settings.ubatch(), settings.batch()));
            p.set(JAVA_INT, Layouts.offset(s, "n_seq_max"), settings.seqs());
            p.set(JAVA_INT, Layouts.offset(s, "n_threads"), settings.threads());
            p.set(JAVA_INT, Layouts.offset(s, "n_threads_batch"), settings.threads());
            p.set(JAVA_INT, Layouts.offset(s, "type_k"), settings.kvType().id);
            p.set(JAVA_INT, Layouts.offset(s, "type_v"), settings.kvType().id);
            p.set(JAVA_INT, Layouts.offset(s, "flash_attn_type"),
                    settings.flashAttention() ? Layouts.FLASH_ATTN_ENABLED : Layouts.FLASH_ATTN_DISABLED);
            p.set(JAVA_BYTE, Layouts.offset(s, "no_perf"), (byte) 1); // timings are taken in Java
            // One cache for all sequences: the scorer shares a prefix's cells between sequences
            // (llama_memory_seq_cp) and puts rows of several sequences in one batch, which llama.cpp
            // allows only with a unified cache; split caches would also give each sequence n_ctx / n_seq_max cells.
            p.set(JAVA_BYTE, Layouts.offset(s, "kv_unified"), (byte) 1);
            made = (MemorySegment) lib.initFromModel.invokeExact(model.handle(), p);
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        } finally {
            guard.exit();
        }
        if (made.equals(MemorySegment.NULL)) {
            String why = NativeLog.problemsSince(mark);
            throw HarnessException.unsupportedModel("llama.cpp cannot create a context of " + settings.cells() + " cells: "
                    + (why == null ? "no reason given" : LlamaModel.clean(why)));
        }
        this.ctx = made;
        try {
            this.memory = (MemorySegment) lib.getMemory.invokeExact(ctx);
            // llama.cpp rounds the cache up to a multiple of 256 cells.
            this.cells = (int) lib.nCtx.invokeExact(ctx);
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        }
        this.batch = new Batch(settings.batch(), settings.seqs());
    }

    /**
     * A quantised KV cache stores each head's keys and values in whole blocks: llama.cpp asserts that
     * the head size is a multiple of the block and aborts the process otherwise, so it is checked here.
     */
    static void checkKvType(GgufFile g, GgmlType kvType) {
        if (!kvType.quantized()) return;
        String arch = g.architecture();
        long embd = g.integer(arch + ".embedding_length", -1);
        long heads = g.integer(arch + ".attention.head_count", -1);
        long fallback = embd > 0 && heads > 0 ? embd / heads : -1;
        for (String which : new String[] {"key_length", "value_length"}) {
            long head = g.integer(arch + ".attention." + which, fallback);
            if (head > 0 && head % kvType.blockSize != 0) {
                throw HarnessException.unsupportedModel("--runtime-option kv_type=" + kvType.label() + " needs a head size "
                        + "that is a multiple of " + kvType.blockSize + "; " + g.path().getFileName() + " has heads of "
                        + head + " (use kv_type f32 or f16)");
            }
        }
    }

    Settings settings() {
        return settings;
    }

    /** KV cells the context has: those asked for, rounded up by llama.cpp to a multiple of 256. */
    int cells() {
        return cells;
    }

    LlamaModel model() {
        return model;
    }

    int vocabularySize() {
        return vocab;
    }

    /** The batch to fill before {@link #decode()}; reused from call to call. */
    Batch batch() {
        return batch;
    }

    /**
     * Runs the batch. A full cache is reported as {@link HarnessException}, as is any other failure:
     * scoring cannot go on with a half-computed batch.
     */
    void decode() {
        if (batch.size() == 0) return;
        long mark = NativeLog.mark();
        if (NativeLog.LOG.isTraceEnabled()) {
            NativeLog.LOG.trace("llama_decode: {} tokens, {} outputs", batch.size(), batch.outputs());
        }
        int rc;
        enter();
        try {
            rc = (int) lib.decode.invokeExact(ctx, batch.struct());
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        } finally {
            guard.exit();
        }
        if (rc != 0) {
            String why = NativeLog.problemsSince(mark);
            throw HarnessException.internal("llama_decode of " + batch.size() + " tokens failed (" + rc + (rc == 1
                    ? ": no room in the KV cache" : "") + ")" + (why == null ? "" : ": " + LlamaModel.clean(why)), null);
        }
    }

    /** Copies the logits of batch row {@code i} (a row marked for output) into {@code out}. */
    void logits(int i, float[] out) {
        enter();
        try {
            MemorySegment.copy(logitsRow(i), JAVA_FLOAT, 0, out, 0, vocab);
        } finally {
            guard.exit();
        }
    }

    /**
     * Copies the logits of the batch's last output row into {@code out} (at least a vocabulary of
     * floats): a copy, so that nothing outside the guard reads llama.cpp's buffer.
     */
    void lastLogits(MemorySegment out) {
        enter();
        try {
            MemorySegment.copy(logitsRow(-1), 0, out, 0, (long) vocab * 4);
        } finally {
            guard.exit();
        }
    }

    private MemorySegment logitsRow(int i) {
        MemorySegment p;
        try {
            p = (MemorySegment) lib.getLogitsIth.invokeExact(ctx, i);
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        }
        if (p.equals(MemorySegment.NULL)) throw new IllegalStateException("no logits for batch row " + i);
        return p.reinterpret((long) vocab * 4);
    }

    /** Empties the KV cache of every sequence. */
    void clearCache() {
        enter();
        try {
            lib.memoryClear.invokeExact(memory, true);
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        } finally {
            guard.exit();
        }
    }

    /** Removes sequence {@code seq} (or all with -1) from positions {@code [p0, p1)} (-1: open end). */
    void removeSequence(int seq, int p0, int p1) {
        enter();
        try {
            boolean ok = (boolean) lib.memorySeqRm.invokeExact(memory, seq, p0, p1);
            if (!ok) throw new IllegalStateException("llama_memory_seq_rm(" + seq + ", " + p0 + ", " + p1 + ") failed");
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        } finally {
            guard.exit();
        }
    }

    /** Adds sequence {@code dst} to the cells of {@code src} at positions {@code [p0, p1)}. */
    void copySequence(int src, int dst, int p0, int p1) {
        enter();
        try {
            lib.memorySeqCp.invokeExact(memory, src, dst, p0, p1);
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        } finally {
            guard.exit();
        }
    }

    /** Frees every cell not in {@code seq} and removes all other sequences from the cells it keeps. */
    void keepOnly(int seq) {
        enter();
        try {
            lib.memorySeqKeep.invokeExact(memory, seq);
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        } finally {
            guard.exit();
        }
    }

    /** The largest position held for {@code seq}, or -1. */
    int maxPosition(int seq) {
        enter();
        try {
            return (int) lib.memorySeqPosMax.invokeExact(memory, seq);
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        } finally {
            guard.exit();
        }
    }

    private void enter() {
        guard.enter(closed || model.closed(), closed ? "context" : "model");
    }

    /** Frees the context once no call is in progress; later calls fail with one line instead of reaching freed memory. */
    @Override
    public void close() {
        guard.exclusive(() -> {
            if (closed) return;
            closed = true;
            try {
                lib.free.invokeExact(ctx);
            } catch (Throwable t) {
                throw LlamaCpp.rethrow(t);
            }
        });
    }

    /**
     * A {@code llama_batch} in memory of our own: token, position, sequence ids and output flag per
     * row. Rows may belong to several sequences at once (a token shared by several continuations).
     */
    static final class Batch {
        // Freed by the garbage collector, not by close(): a worker may still fill the batch of a context
        // that another thread closed, and should then fail at decode() with one line.
        private final Arena arena = Arena.ofAuto();
        private final int capacity;
        private final int maxSeqs;
        private final MemorySegment struct;
        private final MemorySegment token;
        private final MemorySegment pos;
        private final MemorySegment nSeqId;
        private final MemorySegment seqIds;
        private final MemorySegment logits;
        private int size;
        private int outputs;

        Batch(int capacity, int maxSeqs) {
            this.capacity = capacity;
            this.maxSeqs = maxSeqs;
            token = arena.allocate(JAVA_INT, capacity);
            pos = arena.allocate(JAVA_INT, capacity);
            nSeqId = arena.allocate(JAVA_INT, capacity);
            seqIds = arena.allocate(JAVA_INT, (long) capacity * maxSeqs);
            MemorySegment seqPtrs = arena.allocate(ADDRESS, capacity + 1L);
            for (int i = 0; i < capacity; i++) {
                seqPtrs.setAtIndex(ADDRESS, i, seqIds.asSlice((long) i * maxSeqs * 4, (long) maxSeqs * 4));
            }
            logits = arena.allocate(JAVA_BYTE, capacity);
            struct = arena.allocate(Layouts.BATCH);
            struct.set(ADDRESS, 8, token);
            struct.set(ADDRESS, 16, MemorySegment.NULL);
            struct.set(ADDRESS, 24, pos);
            struct.set(ADDRESS, 32, nSeqId);
            struct.set(ADDRESS, 40, seqPtrs);
            struct.set(ADDRESS, 48, logits);
        }

        void clear() {
            size = 0;
            outputs = 0;
        }

        int size() {
            return size;
        }

        int capacity() {
            return capacity;
        }

        int outputs() {
            return outputs;
        }

        boolean full() {
            return size == capacity;
        }

        /** Adds a token at {@code position} in sequences {@code firstSeq .. firstSeq + seqCount - 1}; returns its row. */
        int add(int tokenId, int position, int firstSeq, int seqCount, boolean output) {
            if (size == capacity) throw new IllegalStateException("batch of " + capacity + " tokens is full");
            if (seqCount < 1 || seqCount > maxSeqs) throw new IllegalArgumentException(seqCount + " sequences");
            int row = size++;
            token.setAtIndex(JAVA_INT, row, tokenId);
            pos.setAtIndex(JAVA_INT, row, position);
            nSeqId.setAtIndex(JAVA_INT, row, seqCount);
            long base = (long) row * maxSeqs;
            for (int s = 0; s < seqCount; s++) seqIds.setAtIndex(JAVA_INT, base + s, firstSeq + s);
            logits.set(JAVA_BYTE, row, (byte) (output ? 1 : 0));
            if (output) outputs++;
            return row;
        }

        MemorySegment struct() {
            struct.set(JAVA_INT, 0, size);
            return struct;
        }
    }
}
