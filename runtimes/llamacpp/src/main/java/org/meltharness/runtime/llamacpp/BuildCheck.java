package org.meltharness.runtime.llamacpp;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.PaddingLayout;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.util.List;
import org.meltharness.HarnessException;

/**
 * Checks, before anything else is called, that the loaded library is the build the {@link Layouts}
 * describe: {@code llama_version()} and {@code ggml_version()}, every bound function present, and the
 * structs the library returns by value from its {@code *_default_params} functions and
 * {@code llama_batch_init}: written exactly to their size (a guard area after each must stay
 * untouched, and no byte of a field may be left unwritten) and holding the defaults of llama.h's
 * source. ggml's type table (block size, bytes, name) must match {@link GgmlType}. A difference is
 * refused with one line; a mismatched struct is never passed on.
 */
final class BuildCheck {
    static final List<String> VERSIONS = List.of(LlamaCpp.VERSION, LlamaCpp.VERSION + "-dev");
    static final String GGML_VERSION = "0.25.1";
    static final int GUARD = 64;
    /**
     * Each struct is fetched twice, into memory filled with each of these: a byte the callee did not
     * write still holds the fill both times, while a written one (a pointer, say) can equal one fill
     * by chance but not, in practice, both.
     */
    static final byte FILL_A = (byte) 0xA5;
    static final byte FILL_B = (byte) 0x5A;
    private static final int GGML_TYPE_COUNT = 43;
    private static final long QUANT_MAX_BUF_SIZE = 8L << 30;

    private BuildCheck() {}

    /** The struct followed by a guard area, so that a callee writing more than the layout is noticed. */
    static StructLayout guarded(StructLayout layout) {
        return MemoryLayout.structLayout(layout, MemoryLayout.sequenceLayout(GUARD, JAVA_BYTE));
    }

    static void check(LlamaCpp l) {
        String where = l.folder().dir().toString();
        checkVersion(l.version == null ? null : LlamaCpp.string(l.version), where);
        l.requireAll();
        checkGgmlVersion(LlamaCpp.string(l.ggmlVersion), where);
        try (Arena arena = Arena.ofConfined()) {
            modelParams(l, arena);
            contextParams(l, arena);
            quantizeParams(l, arena);
            batch(l, arena);
            types(l);
        } catch (HarnessException e) {
            throw e;
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        }
    }

    /** Refuses a library whose {@code llama_version()} is not this release's (null: it has none). */
    static void checkVersion(String version, String where) {
        if (version == null) {
            throw HarnessException.unsupportedModel("the library in " + where + " has no llama_version(): it is older than "
                    + "the " + LlamaCpp.NAME + " these bindings are for");
        }
        if (!VERSIONS.contains(version)) {
            throw HarnessException.unsupportedModel("the llama.cpp library in " + where + " is version " + version + ", but "
                    + "these bindings are for " + LlamaCpp.VERSION + " (its structs differ between releases); build llama.cpp "
                    + "v" + LlamaCpp.VERSION + " or leave out --llama-cpp for the pinned build");
        }
    }

    static void checkGgmlVersion(String ggml, String where) {
        if (!ggml.equals(GGML_VERSION)) {
            throw HarnessException.unsupportedModel("the ggml library in " + where + " is version " + ggml + ", but "
                    + LlamaCpp.NAME + " ships ggml " + GGML_VERSION);
        }
    }

    private static void modelParams(LlamaCpp l, Arena arena) throws Throwable {
        StructLayout s = Layouts.MODEL_PARAMS;
        MemorySegment p = (MemorySegment) l.modelDefaultParams.invokeExact(guardAllocator(arena, FILL_A));
        MemorySegment q = (MemorySegment) l.modelDefaultParams.invokeExact(guardAllocator(arena, FILL_B));
        checkGuard("llama_model_default_params", p, q, s);
        for (String ptr : List.of("devices", "tensor_buft_overrides", "tensor_split", "progress_callback",
                "progress_callback_user_data", "kv_overrides")) {
            expect(s, p, ptr, 0L);
        }
        expect(s, p, "n_gpu_layers", -1);
        expect(s, p, "split_mode", Layouts.SPLIT_MODE_LAYER);
        expect(s, p, "load_mode", -1);
        expect(s, p, "lazy_mode", 1);
        expect(s, p, "main_gpu", 0);
        expect(s, p, "vocab_only", 0);
        expect(s, p, "check_tensors", 0);
        expect(s, p, "use_extra_bufts", 1);
        expect(s, p, "no_host", 0);
        expect(s, p, "no_alloc", 0);
        expect(s, p, "load_mtp", 0);
    }

    private static void contextParams(LlamaCpp l, Arena arena) throws Throwable {
        StructLayout s = Layouts.CONTEXT_PARAMS;
        MemorySegment p = (MemorySegment) l.contextDefaultParams.invokeExact(guardAllocator(arena, FILL_A));
        MemorySegment q = (MemorySegment) l.contextDefaultParams.invokeExact(guardAllocator(arena, FILL_B));
        checkGuard("llama_context_default_params", p, q, s);
        expect(s, p, "n_ctx", 512);
        expect(s, p, "n_batch", 2048);
        expect(s, p, "n_ubatch", 512);
        expect(s, p, "n_seq_max", 1);
        expect(s, p, "n_rs_seq", 0);
        expect(s, p, "n_outputs_max", 0);
        expect(s, p, "n_outputs_max_per_seq", 1);
        expect(s, p, "n_threads", 4);
        expect(s, p, "n_threads_batch", 4);
        expect(s, p, "ctx_type", 0);
        for (String e : List.of("rope_scaling_type", "pooling_type", "attention_type", "flash_attn_type")) {
            expect(s, p, e, -1);
        }
        expectFloat(s, p, "rope_freq_base", 0f);
        expectFloat(s, p, "rope_freq_scale", 0f);
        for (String f : List.of("yarn_ext_factor", "yarn_attn_factor", "yarn_beta_fast", "yarn_beta_slow", "defrag_thold")) {
            expectFloat(s, p, f, -1f);
        }
        expect(s, p, "yarn_orig_ctx", 0);
        for (String ptr : List.of("cb_eval", "cb_eval_user_data", "abort_callback", "abort_callback_data", "samplers",
                "ctx_other")) {
            expect(s, p, ptr, 0L);
        }
        expect(s, p, "n_samplers", 0L);
        expect(s, p, "type_k", GgmlType.F16.id);
        expect(s, p, "type_v", GgmlType.F16.id);
        expect(s, p, "embeddings", 0);
        expect(s, p, "offload_kqv", 1);
        expect(s, p, "no_perf", 1);
        expect(s, p, "op_offload", 1);
        expect(s, p, "swa_full", 1);
        expect(s, p, "kv_unified", 0);
    }

    private static void quantizeParams(LlamaCpp l, Arena arena) throws Throwable {
        StructLayout s = Layouts.QUANTIZE_PARAMS;
        MemorySegment p = (MemorySegment) l.quantizeDefaultParams.invokeExact(guardAllocator(arena, FILL_A));
        MemorySegment q = (MemorySegment) l.quantizeDefaultParams.invokeExact(guardAllocator(arena, FILL_B));
        checkGuard("llama_model_quantize_default_params", p, q, s);
        expect(s, p, "nthread", 0);
        expect(s, p, "ftype", 7); // LLAMA_FTYPE_MOSTLY_Q8_0
        expect(s, p, "output_tensor_type", GGML_TYPE_COUNT);
        expect(s, p, "token_embedding_type", GGML_TYPE_COUNT);
        expect(s, p, "allow_requantize", 0);
        expect(s, p, "quantize_output_tensor", 1);
        for (String b : List.of("only_copy", "pure", "keep_split", "dry_run")) expect(s, p, b, 0);
        for (String ptr : List.of("imatrix", "kv_overrides", "tt_overrides", "prune_layers")) expect(s, p, ptr, 0L);
        expect(s, p, "max_buf_size", QUANT_MAX_BUF_SIZE);
    }

    private static void batch(LlamaCpp l, Arena arena) throws Throwable {
        StructLayout s = Layouts.BATCH;
        MemorySegment b = (MemorySegment) l.batchInit.invokeExact(guardAllocator(arena, FILL_A), 4, 0, 2);
        MemorySegment b2 = (MemorySegment) l.batchInit.invokeExact(guardAllocator(arena, FILL_B), 4, 0, 2);
        try {
            checkGuard("llama_batch_init", b, b2, s);
        } finally {
            l.batchFree.invokeExact(b2.reinterpret(s.byteSize()));
        }
        expect(s, b, "n_tokens", 0);
        expect(s, b, "embd", 0L);
        for (String ptr : List.of("token", "pos", "n_seq_id", "seq_id", "logits")) {
            if (b.get(ADDRESS, Layouts.offset(s, ptr)).equals(MemorySegment.NULL)) mismatch("llama_batch." + ptr + " is NULL");
        }
        l.batchFree.invokeExact(b.reinterpret(s.byteSize()));
    }

    private static void types(LlamaCpp l) throws Throwable {
        for (GgmlType t : GgmlType.values()) {
            long block = (long) l.ggmlBlckSize.invokeExact(t.id);
            long size = (long) l.ggmlTypeSize.invokeExact(t.id);
            String name = ((MemorySegment) l.ggmlTypeName.invokeExact(t.id)).reinterpret(64).getString(0);
            if (block != t.blockSize || size != t.typeSize || !name.equals(t.ggmlName)) {
                mismatch("ggml type " + t.id + " is " + name + " (block " + block + ", " + size + " bytes), expected "
                        + t.ggmlName + " (block " + t.blockSize + ", " + t.typeSize + " bytes)");
            }
        }
    }

    static SegmentAllocator guardAllocator(Arena arena, byte fill) {
        return (size, align) -> arena.allocate(size, align).fill(fill);
    }

    /**
     * Refuses a struct the library wrote beyond (into the guard area after it), or left partly
     * unwritten (more bytes than its padding still holding the fill in both calls): a struct of
     * another size. {@code a} was filled with {@link #FILL_A}, {@code b} with {@link #FILL_B}.
     */
    static void checkGuard(String function, MemorySegment a, MemorySegment b, StructLayout layout) {
        long size = layout.byteSize();
        for (long i = size; i < size + GUARD; i++) {
            if (a.get(JAVA_BYTE, i) != FILL_A || b.get(JAVA_BYTE, i) != FILL_B) {
                mismatch(function + " wrote beyond the " + size + " bytes of " + layout.name().orElse("its struct"));
            }
        }
        long untouched = 0;
        for (long i = 0; i < size; i++) if (a.get(JAVA_BYTE, i) == FILL_A && b.get(JAVA_BYTE, i) == FILL_B) untouched++;
        if (untouched > paddingBytes(layout)) {
            mismatch(function + " left " + untouched + " of the " + size + " bytes of "
                    + layout.name().orElse("its struct") + " unwritten");
        }
    }

    private static long paddingBytes(StructLayout layout) {
        long n = 0;
        for (MemoryLayout m : layout.memberLayouts()) if (m instanceof PaddingLayout) n += m.byteSize();
        return n;
    }

    static void expect(StructLayout s, MemorySegment p, String field, long expected) {
        long off = Layouts.offset(s, field);
        MemoryLayout f = s.select(MemoryLayout.PathElement.groupElement(field));
        long actual = switch ((int) f.byteSize()) {
            case 1 -> p.get(JAVA_BYTE, off);
            case 4 -> p.get(JAVA_INT, off);
            default -> p.get(JAVA_LONG, off);
        };
        if (actual != expected) {
            mismatch(s.name().orElse("struct") + "." + field + " defaults to " + actual + ", expected " + expected);
        }
    }

    private static void expectFloat(StructLayout s, MemorySegment p, String field, float expected) {
        float actual = p.get(JAVA_FLOAT, Layouts.offset(s, field));
        if (Float.compare(expected, actual) != 0) {
            mismatch(s.name().orElse("struct") + "." + field + " defaults to " + actual + ", expected " + expected);
        }
    }

    private static void mismatch(String what) {
        throw HarnessException.unsupportedModel("the llama.cpp library does not match the " + LlamaCpp.NAME
                + " bindings: " + what + "; refusing to call it");
    }
}
