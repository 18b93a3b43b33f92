package org.meltharness.runtime.llamacpp;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import org.meltharness.HarnessException;

/**
 * Java bindings (FFM, {@code java.lang.foreign}) to the llama.cpp and ggml C API of build b4916, the
 * build inside {@code de.kherud:llama:4.2.0}. Only what this runtime calls is bound.
 *
 * <p>Struct layouts are those of b4916 on 64-bit platforms (checked by disassembling the
 * {@code *_default_params} functions). Before anything else is called, {@link #get()} checks that the
 * library is that build: its {@code LLAMA_BUILD_NUMBER}, and that the default-parameter functions
 * write exactly the bytes and values this layout expects (a guard area after each struct must stay
 * untouched). Any difference is refused with one line; a mismatched struct is never passed on.
 */
final class LlamaCpp {
    /** The llama.cpp build these bindings were written against. */
    static final int BUILD = 4916;

    static final StructLayout MODEL_PARAMS = MemoryLayout.structLayout(
            ADDRESS.withName("devices"),
            JAVA_INT.withName("n_gpu_layers"),
            JAVA_INT.withName("split_mode"),
            JAVA_INT.withName("main_gpu"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("tensor_split"),
            ADDRESS.withName("progress_callback"),
            ADDRESS.withName("progress_callback_user_data"),
            ADDRESS.withName("kv_overrides"),
            JAVA_BOOLEAN.withName("vocab_only"),
            JAVA_BOOLEAN.withName("use_mmap"),
            JAVA_BOOLEAN.withName("use_mlock"),
            JAVA_BOOLEAN.withName("check_tensors"),
            MemoryLayout.paddingLayout(4)).withName("llama_model_params");

    static final StructLayout CONTEXT_PARAMS = MemoryLayout.structLayout(
            JAVA_INT.withName("n_ctx"),
            JAVA_INT.withName("n_batch"),
            JAVA_INT.withName("n_ubatch"),
            JAVA_INT.withName("n_seq_max"),
            JAVA_INT.withName("n_threads"),
            JAVA_INT.withName("n_threads_batch"),
            JAVA_INT.withName("rope_scaling_type"),
            JAVA_INT.withName("pooling_type"),
            JAVA_INT.withName("attention_type"),
            JAVA_FLOAT.withName("rope_freq_base"),
            JAVA_FLOAT.withName("rope_freq_scale"),
            JAVA_FLOAT.withName("yarn_ext_factor"),
            JAVA_FLOAT.withName("yarn_attn_factor"),
            JAVA_FLOAT.withName("yarn_beta_fast"),
            JAVA_FLOAT.withName("yarn_beta_slow"),
            JAVA_INT.withName("yarn_orig_ctx"),
            JAVA_FLOAT.withName("defrag_thold"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("cb_eval"),
            ADDRESS.withName("cb_eval_user_data"),
            JAVA_INT.withName("type_k"),
            JAVA_INT.withName("type_v"),
            JAVA_BOOLEAN.withName("logits_all"),
            JAVA_BOOLEAN.withName("embeddings"),
            JAVA_BOOLEAN.withName("offload_kqv"),
            JAVA_BOOLEAN.withName("flash_attn"),
            JAVA_BOOLEAN.withName("no_perf"),
            MemoryLayout.paddingLayout(3),
            ADDRESS.withName("abort_callback"),
            ADDRESS.withName("abort_callback_data")).withName("llama_context_params");

    static final StructLayout BATCH = MemoryLayout.structLayout(
            JAVA_INT.withName("n_tokens"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("token"),
            ADDRESS.withName("embd"),
            ADDRESS.withName("pos"),
            ADDRESS.withName("n_seq_id"),
            ADDRESS.withName("seq_id"),
            ADDRESS.withName("logits")).withName("llama_batch");

    static final StructLayout SAMPLER_CHAIN_PARAMS = MemoryLayout.structLayout(JAVA_BOOLEAN.withName("no_perf"))
            .withName("llama_sampler_chain_params");

    /** {@code llama_token_data}: id, logit, p. */
    static final StructLayout TOKEN_DATA = MemoryLayout.structLayout(
            JAVA_INT.withName("id"),
            JAVA_FLOAT.withName("logit"),
            JAVA_FLOAT.withName("p")).withName("llama_token_data");

    /** {@code llama_token_data_array}: the candidates a sampler chain reads and narrows. */
    static final StructLayout TOKEN_DATA_ARRAY = MemoryLayout.structLayout(
            ADDRESS.withName("data"),
            JAVA_LONG.withName("size"),
            JAVA_LONG.withName("selected"),
            JAVA_BOOLEAN.withName("sorted"),
            MemoryLayout.paddingLayout(7)).withName("llama_token_data_array");

    static final StructLayout PERF_CONTEXT = MemoryLayout.structLayout(
            JAVA_DOUBLE.withName("t_start_ms"),
            JAVA_DOUBLE.withName("t_load_ms"),
            JAVA_DOUBLE.withName("t_p_eval_ms"),
            JAVA_DOUBLE.withName("t_eval_ms"),
            JAVA_INT.withName("n_p_eval"),
            JAVA_INT.withName("n_eval")).withName("llama_perf_context_data");

    static final StructLayout GGML_INIT_PARAMS = MemoryLayout.structLayout(
            JAVA_LONG.withName("mem_size"),
            ADDRESS.withName("mem_buffer"),
            JAVA_BOOLEAN.withName("no_alloc"),
            MemoryLayout.paddingLayout(7)).withName("ggml_init_params");

    static final StructLayout GGUF_INIT_PARAMS = MemoryLayout.structLayout(
            JAVA_BOOLEAN.withName("no_alloc"),
            MemoryLayout.paddingLayout(7),
            ADDRESS.withName("ctx")).withName("gguf_init_params");

    /** Bytes after a returned struct that the callee must leave alone. */
    private static final int GUARD = 64;
    private static final byte GUARD_BYTE = (byte) 0xA5;

    // gguf_type values (gguf.h)
    static final int GGUF_TYPE_UINT8 = 0;
    static final int GGUF_TYPE_INT32 = 5;
    static final int GGUF_TYPE_FLOAT32 = 6;

    private static final Linker LINKER = Linker.nativeLinker();
    private static volatile LlamaCpp instance;

    private final SymbolLookup lookup;
    private final List<String> missing = new ArrayList<>();
    private final String systemInfo;

    // llama.h
    final MethodHandle backendInit;
    final MethodHandle logSet;
    final MethodHandle modelDefaultParams;
    final MethodHandle contextDefaultParams;
    final MethodHandle samplerChainDefaultParams;
    final MethodHandle modelLoadFromFile;
    final MethodHandle modelFree;
    final MethodHandle initFromModel;
    final MethodHandle free;
    final MethodHandle nCtx;
    final MethodHandle nBatch;
    final MethodHandle nUbatch;
    final MethodHandle nSeqMax;
    final MethodHandle modelGetVocab;
    final MethodHandle modelNCtxTrain;
    final MethodHandle modelNEmbd;
    final MethodHandle modelNLayer;
    final MethodHandle modelNHead;
    final MethodHandle modelNHeadKv;
    final MethodHandle modelDesc;
    final MethodHandle modelSize;
    final MethodHandle modelNParams;
    final MethodHandle modelMetaValStr;
    final MethodHandle modelMetaCount;
    final MethodHandle modelMetaKeyByIndex;
    final MethodHandle modelMetaValStrByIndex;
    final MethodHandle vocabNTokens;
    final MethodHandle vocabType;
    final MethodHandle vocabBos;
    final MethodHandle vocabEos;
    final MethodHandle vocabGetAddBos;
    final MethodHandle vocabGetAddEos;
    final MethodHandle vocabIsEog;
    final MethodHandle vocabGetText;
    final MethodHandle tokenize;
    final MethodHandle tokenToPiece;
    final MethodHandle detokenize;
    final MethodHandle batchInit;
    final MethodHandle batchFree;
    final MethodHandle decode;
    final MethodHandle getLogitsIth;
    final MethodHandle setNThreads;
    final MethodHandle kvSelfClear;
    final MethodHandle kvSelfSeqRm;
    final MethodHandle kvSelfSeqCp;
    final MethodHandle kvSelfSeqKeep;
    final MethodHandle kvSelfSeqPosMax;
    final MethodHandle kvSelfDefrag;
    final MethodHandle kvSelfUpdate;
    final MethodHandle kvSelfUsedCells;
    final MethodHandle printSystemInfo;
    final MethodHandle samplerChainInit;
    final MethodHandle samplerChainAdd;
    final MethodHandle samplerInitGreedy;
    final MethodHandle samplerInitDist;
    final MethodHandle samplerInitTemp;
    final MethodHandle samplerInitTopK;
    final MethodHandle samplerInitTopP;
    final MethodHandle samplerApply;
    final MethodHandle samplerAccept;
    final MethodHandle samplerFree;
    final MethodHandle perfContext;
    final MethodHandle perfContextReset;
    // ggml.h / gguf.h
    final MethodHandle ggmlTypeSize;
    final MethodHandle ggmlBlckSize;
    final MethodHandle ggmlRowSize;
    final MethodHandle ggmlTypeName;
    final MethodHandle ggmlQuantizeChunk;
    final MethodHandle ggmlQuantizeRequiresImatrix;
    final MethodHandle ggmlValidateRowData;
    final MethodHandle ggmlInit;
    final MethodHandle ggmlFree;
    final MethodHandle ggmlNewTensor;
    final MethodHandle ggmlSetName;
    final MethodHandle ggmlTensorOverhead;
    final MethodHandle ggufInitEmpty;
    final MethodHandle ggufInitFromFile;
    final MethodHandle ggufFree;
    final MethodHandle ggufFindKey;
    final MethodHandle ggufGetNKv;
    final MethodHandle ggufGetNTensors;
    final MethodHandle ggufSetKv;
    final MethodHandle ggufSetValStr;
    final MethodHandle ggufSetValU32;
    final MethodHandle ggufSetValI32;
    final MethodHandle ggufSetValF32;
    final MethodHandle ggufSetValBool;
    final MethodHandle ggufSetArrData;
    final MethodHandle ggufSetArrStr;
    final MethodHandle ggufRemoveKey;
    final MethodHandle ggufAddTensor;
    final MethodHandle ggufGetMetaSize;
    final MethodHandle ggufGetMetaData;

    private LlamaCpp(SymbolLookup lookup) {
        this.lookup = lookup;
        backendInit = fn("llama_backend_init", FunctionDescriptor.ofVoid());
        logSet = fn("llama_log_set", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
        modelDefaultParams = fn("llama_model_default_params", FunctionDescriptor.of(guarded(MODEL_PARAMS)));
        contextDefaultParams = fn("llama_context_default_params", FunctionDescriptor.of(guarded(CONTEXT_PARAMS)));
        samplerChainDefaultParams = fn("llama_sampler_chain_default_params", FunctionDescriptor.of(SAMPLER_CHAIN_PARAMS));
        modelLoadFromFile = fn("llama_model_load_from_file", FunctionDescriptor.of(ADDRESS, ADDRESS, MODEL_PARAMS));
        modelFree = fn("llama_model_free", FunctionDescriptor.ofVoid(ADDRESS));
        initFromModel = fn("llama_init_from_model", FunctionDescriptor.of(ADDRESS, ADDRESS, CONTEXT_PARAMS));
        free = fn("llama_free", FunctionDescriptor.ofVoid(ADDRESS));
        nCtx = fn("llama_n_ctx", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        nBatch = fn("llama_n_batch", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        nUbatch = fn("llama_n_ubatch", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        nSeqMax = fn("llama_n_seq_max", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        modelGetVocab = fn("llama_model_get_vocab", FunctionDescriptor.of(ADDRESS, ADDRESS));
        modelNCtxTrain = fn("llama_model_n_ctx_train", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        modelNEmbd = fn("llama_model_n_embd", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        modelNLayer = fn("llama_model_n_layer", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        modelNHead = fn("llama_model_n_head", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        modelNHeadKv = fn("llama_model_n_head_kv", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        modelDesc = fn("llama_model_desc", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
        modelSize = fn("llama_model_size", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
        modelNParams = fn("llama_model_n_params", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
        modelMetaValStr = fn("llama_model_meta_val_str", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
        modelMetaCount = fn("llama_model_meta_count", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        modelMetaKeyByIndex = fn("llama_model_meta_key_by_index",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG));
        modelMetaValStrByIndex = fn("llama_model_meta_val_str_by_index",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG));
        vocabNTokens = fn("llama_vocab_n_tokens", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        vocabType = fn("llama_vocab_type", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        vocabBos = fn("llama_vocab_bos", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        vocabEos = fn("llama_vocab_eos", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        vocabGetAddBos = fn("llama_vocab_get_add_bos", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS));
        vocabGetAddEos = fn("llama_vocab_get_add_eos", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS));
        vocabIsEog = fn("llama_vocab_is_eog", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS, JAVA_INT));
        vocabGetText = fn("llama_vocab_get_text", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
        tokenize = fn("llama_tokenize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT,
                JAVA_BOOLEAN, JAVA_BOOLEAN));
        tokenToPiece = fn("llama_token_to_piece", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT,
                JAVA_INT, JAVA_BOOLEAN));
        detokenize = fn("llama_detokenize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT,
                JAVA_BOOLEAN, JAVA_BOOLEAN));
        batchInit = fn("llama_batch_init", FunctionDescriptor.of(guarded(BATCH), JAVA_INT, JAVA_INT, JAVA_INT));
        batchFree = fn("llama_batch_free", FunctionDescriptor.ofVoid(BATCH));
        decode = fn("llama_decode", FunctionDescriptor.of(JAVA_INT, ADDRESS, BATCH));
        getLogitsIth = fn("llama_get_logits_ith", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
        setNThreads = fn("llama_set_n_threads", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, JAVA_INT));
        kvSelfClear = fn("llama_kv_self_clear", FunctionDescriptor.ofVoid(ADDRESS));
        kvSelfSeqRm = fn("llama_kv_self_seq_rm", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT));
        kvSelfSeqCp = fn("llama_kv_self_seq_cp", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        kvSelfSeqKeep = fn("llama_kv_self_seq_keep", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));
        kvSelfSeqPosMax = fn("llama_kv_self_seq_pos_max", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        kvSelfDefrag = fn("llama_kv_self_defrag", FunctionDescriptor.ofVoid(ADDRESS));
        kvSelfUpdate = fn("llama_kv_self_update", FunctionDescriptor.ofVoid(ADDRESS));
        kvSelfUsedCells = fn("llama_kv_self_used_cells", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        printSystemInfo = fn("llama_print_system_info", FunctionDescriptor.of(ADDRESS));
        samplerChainInit = fn("llama_sampler_chain_init", FunctionDescriptor.of(ADDRESS, SAMPLER_CHAIN_PARAMS));
        samplerChainAdd = fn("llama_sampler_chain_add", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
        samplerInitGreedy = fn("llama_sampler_init_greedy", FunctionDescriptor.of(ADDRESS));
        samplerInitDist = fn("llama_sampler_init_dist", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        samplerInitTemp = fn("llama_sampler_init_temp", FunctionDescriptor.of(ADDRESS, JAVA_FLOAT));
        samplerInitTopK = fn("llama_sampler_init_top_k", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        samplerInitTopP = fn("llama_sampler_init_top_p", FunctionDescriptor.of(ADDRESS, JAVA_FLOAT, JAVA_LONG));
        samplerApply = fn("llama_sampler_apply", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
        samplerAccept = fn("llama_sampler_accept", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));
        samplerFree = fn("llama_sampler_free", FunctionDescriptor.ofVoid(ADDRESS));
        perfContext = fn("llama_perf_context", FunctionDescriptor.of(PERF_CONTEXT, ADDRESS));
        perfContextReset = fn("llama_perf_context_reset", FunctionDescriptor.ofVoid(ADDRESS));

        ggmlTypeSize = fn("ggml_type_size", FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
        ggmlBlckSize = fn("ggml_blck_size", FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
        ggmlRowSize = fn("ggml_row_size", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG));
        ggmlTypeName = fn("ggml_type_name", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        ggmlQuantizeChunk = fn("ggml_quantize_chunk", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS,
                JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS));
        ggmlQuantizeRequiresImatrix = fn("ggml_quantize_requires_imatrix", FunctionDescriptor.of(JAVA_BOOLEAN, JAVA_INT));
        ggmlValidateRowData = fn("ggml_validate_row_data", FunctionDescriptor.of(JAVA_BOOLEAN, JAVA_INT, ADDRESS, JAVA_LONG));
        ggmlInit = fn("ggml_init", FunctionDescriptor.of(ADDRESS, GGML_INIT_PARAMS));
        ggmlFree = fn("ggml_free", FunctionDescriptor.ofVoid(ADDRESS));
        ggmlNewTensor = fn("ggml_new_tensor", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
        ggmlSetName = fn("ggml_set_name", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        ggmlTensorOverhead = fn("ggml_tensor_overhead", FunctionDescriptor.of(JAVA_LONG));
        ggufInitEmpty = fn("gguf_init_empty", FunctionDescriptor.of(ADDRESS));
        ggufInitFromFile = fn("gguf_init_from_file", FunctionDescriptor.of(ADDRESS, ADDRESS, GGUF_INIT_PARAMS));
        ggufFree = fn("gguf_free", FunctionDescriptor.ofVoid(ADDRESS));
        ggufFindKey = fn("gguf_find_key", FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS));
        ggufGetNKv = fn("gguf_get_n_kv", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
        ggufGetNTensors = fn("gguf_get_n_tensors", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
        ggufSetKv = fn("gguf_set_kv", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
        ggufSetValStr = fn("gguf_set_val_str", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS));
        ggufSetValU32 = fn("gguf_set_val_u32", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_INT));
        ggufSetValI32 = fn("gguf_set_val_i32", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_INT));
        ggufSetValF32 = fn("gguf_set_val_f32", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_FLOAT));
        ggufSetValBool = fn("gguf_set_val_bool", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_BOOLEAN));
        ggufSetArrData = fn("gguf_set_arr_data", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG));
        ggufSetArrStr = fn("gguf_set_arr_str", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
        ggufRemoveKey = fn("gguf_remove_key", FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS));
        ggufAddTensor = fn("gguf_add_tensor", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
        ggufGetMetaSize = fn("gguf_get_meta_size", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
        ggufGetMetaData = fn("gguf_get_meta_data", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
        if (!missing.isEmpty()) {
            throw HarnessException.unsupportedModel("the llama.cpp library lacks " + missing.size() + " function(s) these "
                    + "bindings need (" + String.join(", ", missing.subList(0, Math.min(3, missing.size())))
                    + "); it is not llama.cpp build b" + BUILD);
        }
        systemInfo = checkBuild();
    }

    /**
     * The bindings, loaded and verified on first use. A failure (no library for this platform, another
     * build) is a {@link HarnessException} with one line, and is thrown again on every later call.
     */
    static LlamaCpp get() {
        LlamaCpp l = instance;
        if (l != null) return l;
        synchronized (LlamaCpp.class) {
            if (instance == null) instance = load();
            return instance;
        }
    }

    private static LlamaCpp load() {
        SymbolLookup lookup = NativeLibrary.load();
        LlamaCpp l = new LlamaCpp(lookup);
        l.installLogger();
        try {
            l.backendInit.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
        return l;
    }

    /** {@code llama_print_system_info()}: the CPU features this build uses. */
    String systemInfo() {
        return systemInfo;
    }

    /** Checks build number and struct defaults; returns the system info line. */
    private String checkBuild() {
        MemorySegment buildNumber = lookup.find("LLAMA_BUILD_NUMBER").orElse(MemorySegment.NULL);
        if (buildNumber.equals(MemorySegment.NULL)) {
            throw HarnessException.unsupportedModel("the llama.cpp library has no LLAMA_BUILD_NUMBER; these bindings "
                    + "are for build b" + BUILD + " only");
        }
        int build = buildNumber.reinterpret(4).get(JAVA_INT, 0);
        if (build != BUILD) {
            throw HarnessException.unsupportedModel("the llama.cpp library is build b" + build + ", but these bindings "
                    + "are for b" + BUILD + " (de.kherud:llama:4.2.0); struct layouts differ between builds");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mp = (MemorySegment) modelDefaultParams.invokeExact(guardAllocator(arena));
            checkGuard("llama_model_default_params", mp, MODEL_PARAMS);
            expect("llama_model_params.n_gpu_layers", 0, mp.get(JAVA_INT, 8));
            expect("llama_model_params.split_mode", 1, mp.get(JAVA_INT, 12));
            expect("llama_model_params.devices", 0L, mp.get(JAVA_LONG, 0));
            expect("llama_model_params.kv_overrides", 0L, mp.get(JAVA_LONG, 48));
            expect("llama_model_params.vocab_only", 0, mp.get(JAVA_BYTE, 56));
            expect("llama_model_params.use_mmap", 1, mp.get(JAVA_BYTE, 57));
            expect("llama_model_params.use_mlock", 0, mp.get(JAVA_BYTE, 58));
            expect("llama_model_params.check_tensors", 0, mp.get(JAVA_BYTE, 59));

            MemorySegment cp = (MemorySegment) contextDefaultParams.invokeExact(guardAllocator(arena));
            checkGuard("llama_context_default_params", cp, CONTEXT_PARAMS);
            expect("llama_context_params.n_ctx", 512, cp.get(JAVA_INT, 0));
            expect("llama_context_params.n_batch", 2048, cp.get(JAVA_INT, 4));
            expect("llama_context_params.n_ubatch", 512, cp.get(JAVA_INT, 8));
            expect("llama_context_params.n_seq_max", 1, cp.get(JAVA_INT, 12));
            expect("llama_context_params.n_threads", 4, cp.get(JAVA_INT, 16));
            expect("llama_context_params.n_threads_batch", 4, cp.get(JAVA_INT, 20));
            expect("llama_context_params.rope_scaling_type", -1, cp.get(JAVA_INT, 24));
            expect("llama_context_params.pooling_type", -1, cp.get(JAVA_INT, 28));
            expect("llama_context_params.attention_type", -1, cp.get(JAVA_INT, 32));
            expect("llama_context_params.yarn_ext_factor", -1f, cp.get(JAVA_FLOAT, 44));
            expect("llama_context_params.yarn_attn_factor", 1f, cp.get(JAVA_FLOAT, 48));
            expect("llama_context_params.yarn_beta_fast", 32f, cp.get(JAVA_FLOAT, 52));
            expect("llama_context_params.yarn_beta_slow", 1f, cp.get(JAVA_FLOAT, 56));
            expect("llama_context_params.defrag_thold", -1f, cp.get(JAVA_FLOAT, 64));
            expect("llama_context_params.cb_eval", 0L, cp.get(JAVA_LONG, 72));
            expect("llama_context_params.type_k", GgmlType.F16.id, cp.get(JAVA_INT, 88));
            expect("llama_context_params.type_v", GgmlType.F16.id, cp.get(JAVA_INT, 92));
            expect("llama_context_params.logits_all", 0, cp.get(JAVA_BYTE, 96));
            expect("llama_context_params.embeddings", 0, cp.get(JAVA_BYTE, 97));
            expect("llama_context_params.offload_kqv", 1, cp.get(JAVA_BYTE, 98));
            expect("llama_context_params.flash_attn", 0, cp.get(JAVA_BYTE, 99));
            expect("llama_context_params.no_perf", 1, cp.get(JAVA_BYTE, 100));
            expect("llama_context_params.abort_callback", 0L, cp.get(JAVA_LONG, 104));
            expect("llama_context_params.abort_callback_data", 0L, cp.get(JAVA_LONG, 112));

            MemorySegment b = (MemorySegment) batchInit.invokeExact(guardAllocator(arena), 4, 0, 2);
            checkGuard("llama_batch_init", b, BATCH);
            expect("llama_batch.n_tokens", 0, b.get(JAVA_INT, 0));
            expect("llama_batch.embd", 0L, b.get(JAVA_LONG, 16));
            for (long off : new long[] {8, 24, 32, 40, 48}) {
                if (b.get(JAVA_LONG, off) == 0) mismatch("llama_batch pointer at offset " + off + " is NULL");
            }
            batchFree.invokeExact(b.reinterpret(BATCH.byteSize()));

            for (GgmlType t : GgmlType.values()) {
                long block = (long) ggmlBlckSize.invokeExact(t.id);
                long size = (long) ggmlTypeSize.invokeExact(t.id);
                String name = ((MemorySegment) ggmlTypeName.invokeExact(t.id)).reinterpret(64).getString(0);
                if (block != t.blockSize || size != t.typeSize || !name.equals(t.ggmlName)) {
                    mismatch("ggml type " + t.id + " is " + name + " (block " + block + ", " + size + " bytes), expected "
                            + t.ggmlName + " (block " + t.blockSize + ", " + t.typeSize + " bytes)");
                }
            }
            return ((MemorySegment) printSystemInfo.invokeExact()).reinterpret(4096).getString(0).strip();
        } catch (HarnessException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private void installLogger() {
        try {
            MethodHandle target = MethodHandles.lookup().findStatic(NativeLog.class, "callback",
                    MethodType.methodType(void.class, int.class, MemorySegment.class, MemorySegment.class));
            MemorySegment stub = LINKER.upcallStub(target, FunctionDescriptor.ofVoid(JAVA_INT, ADDRESS, ADDRESS),
                    Arena.global());
            logSet.invokeExact(stub, MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private MethodHandle fn(String name, FunctionDescriptor descriptor) {
        var symbol = lookup.find(name);
        if (symbol.isEmpty()) {
            missing.add(name);
            return null;
        }
        return LINKER.downcallHandle(symbol.get(), descriptor);
    }

    /** The struct followed by a guard area, so that a callee writing more than the layout is noticed. */
    private static StructLayout guarded(StructLayout layout) {
        return MemoryLayout.structLayout(layout, MemoryLayout.sequenceLayout(GUARD, JAVA_BYTE));
    }

    private static SegmentAllocator guardAllocator(Arena arena) {
        return (size, align) -> arena.allocate(size, align).fill(GUARD_BYTE);
    }

    private static void checkGuard(String function, MemorySegment returned, StructLayout layout) {
        long size = layout.byteSize();
        for (long i = size; i < size + GUARD; i++) {
            if (returned.get(JAVA_BYTE, i) != GUARD_BYTE) {
                mismatch(function + " wrote beyond the " + size + " bytes of " + layout.name().orElse("its struct"));
            }
        }
        // Every field byte must have been written: a struct shorter than ours would leave guard bytes.
        long untouched = 0;
        for (long i = 0; i < size; i++) if (returned.get(JAVA_BYTE, i) == GUARD_BYTE) untouched++;
        if (untouched > paddingBytes(layout)) {
            mismatch(function + " left " + untouched + " of the " + size + " bytes of "
                    + layout.name().orElse("its struct") + " unwritten");
        }
    }

    private static long paddingBytes(StructLayout layout) {
        long n = 0;
        for (MemoryLayout m : layout.memberLayouts()) {
            if (m instanceof java.lang.foreign.PaddingLayout) n += m.byteSize();
        }
        return n;
    }

    private static void expect(String what, long expected, long actual) {
        if (expected != actual) mismatch(what + " defaults to " + actual + ", expected " + expected);
    }

    private static void expect(String what, float expected, float actual) {
        if (Float.compare(expected, actual) != 0) mismatch(what + " defaults to " + actual + ", expected " + expected);
    }

    private static void mismatch(String what) {
        throw HarnessException.unsupportedModel("the llama.cpp library does not match the b" + BUILD
                + " bindings: " + what + "; refusing to call it");
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }
}
