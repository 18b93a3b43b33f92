package org.meltharness.runtime.llamacpp;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.meltharness.HarnessException;
import org.meltharness.data.Downloader;
import org.meltharness.runtime.llamacpp.build.BuildFetcher;
import org.meltharness.runtime.llamacpp.build.BuildFolder;
import org.meltharness.runtime.llamacpp.build.LibrarySource;

/**
 * Java bindings (FFM, {@code java.lang.foreign}) to the llama.cpp and ggml C API of llama.cpp v0.5.0
 * (ggml 0.25.1), the release node-llama-cpp 3.22.1 ships. Only what this runtime calls is bound.
 *
 * <p>One build is loaded per process, from a {@link BuildFolder}: its libraries are opened, the
 * bindings are checked against it ({@link BuildCheck}: version, struct sizes and the defaults the
 * library writes) before anything else is called, and then ggml loads the backends it finds in the
 * folder ({@code ggml_backend_load_all_from_path}: the best CPU variant for this CPU, and the GPU
 * backends of a user's build). Any mismatch is refused with one line.
 */
final class LlamaCpp {
    /** The llama.cpp release these bindings were written for (llama_version() reports 0.5.0 or 0.5.0-dev). */
    static final String VERSION = "0.5.0";
    /** How messages name the engine. */
    static final String NAME = "llama.cpp " + VERSION;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Object LOADING = new Object();
    private static volatile LlamaCpp instance;

    private final SymbolLookup lookup;
    private final BuildFolder folder;
    private final List<String> missing = new ArrayList<>();
    private BuildInfo info;

    // llama.h
    final MethodHandle version;
    final MethodHandle backendInit;
    final MethodHandle logSet;
    final MethodHandle modelDefaultParams;
    final MethodHandle contextDefaultParams;
    final MethodHandle quantizeDefaultParams;
    final MethodHandle samplerChainDefaultParams;
    final MethodHandle modelLoadFromFile;
    final MethodHandle modelFree;
    final MethodHandle modelQuantize;
    final MethodHandle initFromModel;
    final MethodHandle free;
    final MethodHandle nCtx;
    final MethodHandle nBatch;
    final MethodHandle nUbatch;
    final MethodHandle nSeqMax;
    final MethodHandle getMemory;
    final MethodHandle modelGetVocab;
    final MethodHandle modelNCtxTrain;
    final MethodHandle modelDesc;
    final MethodHandle modelSize;
    final MethodHandle modelNParams;
    final MethodHandle modelNLayer;
    final MethodHandle modelMetaValStr;
    final MethodHandle supportsGpuOffload;
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
    final MethodHandle memoryClear;
    final MethodHandle memorySeqRm;
    final MethodHandle memorySeqCp;
    final MethodHandle memorySeqKeep;
    final MethodHandle memorySeqPosMax;
    final MethodHandle printSystemInfo;
    final MethodHandle samplerChainInit;
    final MethodHandle samplerChainAdd;
    final MethodHandle samplerInitGreedy;
    final MethodHandle samplerInitDist;
    final MethodHandle samplerInitTemp;
    final MethodHandle samplerApply;
    final MethodHandle samplerAccept;
    final MethodHandle samplerFree;
    final MethodHandle perfContext;
    final MethodHandle perfContextReset;
    // ggml.h, ggml-backend.h, gguf.h
    final MethodHandle ggmlVersion;
    final MethodHandle ggmlCommit;
    final MethodHandle ggmlTypeSize;
    final MethodHandle ggmlBlckSize;
    final MethodHandle ggmlTypeName;
    final MethodHandle ggmlQuantizeChunk;
    final MethodHandle ggmlQuantizeRequiresImatrix;
    final MethodHandle ggmlValidateRowData;
    final MethodHandle ggmlInit;
    final MethodHandle ggmlFree;
    final MethodHandle ggmlNewTensor;
    final MethodHandle ggmlSetName;
    final MethodHandle ggmlTensorOverhead;
    final MethodHandle backendLoadAllFromPath;
    final MethodHandle backendDevCount;
    final MethodHandle backendDevGet;
    final MethodHandle backendDevName;
    final MethodHandle backendDevDescription;
    final MethodHandle backendDevType;
    final MethodHandle backendDevMemory;
    final MethodHandle ggufInitEmpty;
    final MethodHandle ggufInitFromFile;
    final MethodHandle ggufFree;
    final MethodHandle ggufSetKv;
    final MethodHandle ggufSetValStr;
    final MethodHandle ggufSetValU32;
    final MethodHandle ggufSetValF32;
    final MethodHandle ggufSetValBool;
    final MethodHandle ggufSetArrData;
    final MethodHandle ggufSetArrStr;
    final MethodHandle ggufRemoveKey;
    final MethodHandle ggufAddTensor;
    final MethodHandle ggufGetMetaSize;
    final MethodHandle ggufGetMetaData;

    private LlamaCpp(SymbolLookup lookup, BuildFolder folder) {
        this.lookup = lookup;
        this.folder = folder;
        FunctionDescriptor str = FunctionDescriptor.of(ADDRESS);
        version = fn("llama_version", str);
        backendInit = fn("llama_backend_init", FunctionDescriptor.ofVoid());
        logSet = fn("llama_log_set", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
        modelDefaultParams = fn("llama_model_default_params", FunctionDescriptor.of(BuildCheck.guarded(Layouts.MODEL_PARAMS)));
        contextDefaultParams = fn("llama_context_default_params",
                FunctionDescriptor.of(BuildCheck.guarded(Layouts.CONTEXT_PARAMS)));
        quantizeDefaultParams = fn("llama_model_quantize_default_params",
                FunctionDescriptor.of(BuildCheck.guarded(Layouts.QUANTIZE_PARAMS)));
        samplerChainDefaultParams = fn("llama_sampler_chain_default_params",
                FunctionDescriptor.of(Layouts.SAMPLER_CHAIN_PARAMS));
        modelLoadFromFile = fn("llama_model_load_from_file", FunctionDescriptor.of(ADDRESS, ADDRESS, Layouts.MODEL_PARAMS));
        modelFree = fn("llama_model_free", FunctionDescriptor.ofVoid(ADDRESS));
        modelQuantize = fn("llama_model_quantize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        initFromModel = fn("llama_init_from_model", FunctionDescriptor.of(ADDRESS, ADDRESS, Layouts.CONTEXT_PARAMS));
        free = fn("llama_free", FunctionDescriptor.ofVoid(ADDRESS));
        nCtx = fn("llama_n_ctx", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        nBatch = fn("llama_n_batch", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        nUbatch = fn("llama_n_ubatch", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        nSeqMax = fn("llama_n_seq_max", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        getMemory = fn("llama_get_memory", FunctionDescriptor.of(ADDRESS, ADDRESS));
        modelGetVocab = fn("llama_model_get_vocab", FunctionDescriptor.of(ADDRESS, ADDRESS));
        modelNCtxTrain = fn("llama_model_n_ctx_train", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        modelDesc = fn("llama_model_desc", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
        modelSize = fn("llama_model_size", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
        modelNParams = fn("llama_model_n_params", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
        modelNLayer = fn("llama_model_n_layer", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        modelMetaValStr = fn("llama_model_meta_val_str", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
        supportsGpuOffload = fn("llama_supports_gpu_offload", FunctionDescriptor.of(JAVA_BOOLEAN));
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
        batchInit = fn("llama_batch_init", FunctionDescriptor.of(BuildCheck.guarded(Layouts.BATCH), JAVA_INT, JAVA_INT,
                JAVA_INT));
        batchFree = fn("llama_batch_free", FunctionDescriptor.ofVoid(Layouts.BATCH));
        decode = fn("llama_decode", FunctionDescriptor.of(JAVA_INT, ADDRESS, Layouts.BATCH));
        getLogitsIth = fn("llama_get_logits_ith", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
        setNThreads = fn("llama_set_n_threads", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, JAVA_INT));
        memoryClear = fn("llama_memory_clear", FunctionDescriptor.ofVoid(ADDRESS, JAVA_BOOLEAN));
        memorySeqRm = fn("llama_memory_seq_rm", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT));
        memorySeqCp = fn("llama_memory_seq_cp", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        memorySeqKeep = fn("llama_memory_seq_keep", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));
        memorySeqPosMax = fn("llama_memory_seq_pos_max", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        printSystemInfo = fn("llama_print_system_info", str);
        samplerChainInit = fn("llama_sampler_chain_init", FunctionDescriptor.of(ADDRESS, Layouts.SAMPLER_CHAIN_PARAMS));
        samplerChainAdd = fn("llama_sampler_chain_add", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
        samplerInitGreedy = fn("llama_sampler_init_greedy", FunctionDescriptor.of(ADDRESS));
        samplerInitDist = fn("llama_sampler_init_dist", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        samplerInitTemp = fn("llama_sampler_init_temp", FunctionDescriptor.of(ADDRESS, JAVA_FLOAT));
        samplerApply = fn("llama_sampler_apply", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
        samplerAccept = fn("llama_sampler_accept", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));
        samplerFree = fn("llama_sampler_free", FunctionDescriptor.ofVoid(ADDRESS));
        perfContext = fn("llama_perf_context", FunctionDescriptor.of(Layouts.PERF_CONTEXT, ADDRESS));
        perfContextReset = fn("llama_perf_context_reset", FunctionDescriptor.ofVoid(ADDRESS));

        ggmlVersion = fn("ggml_version", str);
        ggmlCommit = fn("ggml_commit", str);
        ggmlTypeSize = fn("ggml_type_size", FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
        ggmlBlckSize = fn("ggml_blck_size", FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
        ggmlTypeName = fn("ggml_type_name", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        ggmlQuantizeChunk = fn("ggml_quantize_chunk", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS,
                JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS));
        ggmlQuantizeRequiresImatrix = fn("ggml_quantize_requires_imatrix", FunctionDescriptor.of(JAVA_BOOLEAN, JAVA_INT));
        ggmlValidateRowData = fn("ggml_validate_row_data", FunctionDescriptor.of(JAVA_BOOLEAN, JAVA_INT, ADDRESS, JAVA_LONG));
        ggmlInit = fn("ggml_init", FunctionDescriptor.of(ADDRESS, Layouts.GGML_INIT_PARAMS));
        ggmlFree = fn("ggml_free", FunctionDescriptor.ofVoid(ADDRESS));
        ggmlNewTensor = fn("ggml_new_tensor", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
        ggmlSetName = fn("ggml_set_name", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        ggmlTensorOverhead = fn("ggml_tensor_overhead", FunctionDescriptor.of(JAVA_LONG));
        backendLoadAllFromPath = fn("ggml_backend_load_all_from_path", FunctionDescriptor.ofVoid(ADDRESS));
        backendDevCount = fn("ggml_backend_dev_count", FunctionDescriptor.of(JAVA_LONG));
        backendDevGet = fn("ggml_backend_dev_get", FunctionDescriptor.of(ADDRESS, JAVA_LONG));
        backendDevName = fn("ggml_backend_dev_name", FunctionDescriptor.of(ADDRESS, ADDRESS));
        backendDevDescription = fn("ggml_backend_dev_description", FunctionDescriptor.of(ADDRESS, ADDRESS));
        backendDevType = fn("ggml_backend_dev_type", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        backendDevMemory = fn("ggml_backend_dev_memory", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS));
        ggufInitEmpty = fn("gguf_init_empty", FunctionDescriptor.of(ADDRESS));
        ggufInitFromFile = fn("gguf_init_from_file", FunctionDescriptor.of(ADDRESS, ADDRESS, Layouts.GGUF_INIT_PARAMS));
        ggufFree = fn("gguf_free", FunctionDescriptor.ofVoid(ADDRESS));
        ggufSetKv = fn("gguf_set_kv", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
        ggufSetValStr = fn("gguf_set_val_str", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS));
        ggufSetValU32 = fn("gguf_set_val_u32", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_INT));
        ggufSetValF32 = fn("gguf_set_val_f32", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_FLOAT));
        ggufSetValBool = fn("gguf_set_val_bool", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_BOOLEAN));
        ggufSetArrData = fn("gguf_set_arr_data", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG));
        ggufSetArrStr = fn("gguf_set_arr_str", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
        ggufRemoveKey = fn("gguf_remove_key", FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS));
        ggufAddTensor = fn("gguf_add_tensor", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
        ggufGetMetaSize = fn("gguf_get_meta_size", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
        ggufGetMetaData = fn("gguf_get_meta_data", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
    }

    /** Refuses a library that lacks a function these bindings call (after its version has been checked). */
    void requireAll() {
        if (!missing.isEmpty()) {
            throw HarnessException.unsupportedModel("the llama.cpp library in " + folder.dir() + " lacks " + missing.size()
                    + " function(s) these bindings need (" + String.join(", ", missing.subList(0, Math.min(3, missing.size())))
                    + "); it is not " + NAME);
        }
    }

    /**
     * The bindings of the build {@code source} names, loaded and checked on first use. A failure (no
     * build for this platform, a folder without libllama, another release) is a one-line
     * {@link HarnessException}. A process holds one build: asking for another afterwards is refused.
     */
    static LlamaCpp get(LibrarySource source) {
        LlamaCpp l = instance;
        if (l == null) {
            synchronized (LOADING) {
                if (instance == null) {
                    BuildFolder folder = source.resolve(new BuildFetcher(new Downloader(),
                            msg -> System.err.println("harness: " + msg)));
                    instance = load(folder);
                }
                l = instance;
            }
        } else if (source.userDir() != null) {
            BuildFolder.user(source.userDir(), source.origin()); // a folder without libllama is refused as such
        }
        l.checkSame(source);
        return l;
    }

    private void checkSame(LibrarySource source) {
        Path asked = source.expectedDir();
        try {
            if (Files.exists(asked) && Files.isSameFile(asked, folder.dir())) return;
        } catch (IOException e) {
            // fall through to the refusal
        }
        throw HarnessException.usage("this process has loaded llama.cpp from " + folder.dir() + " (" + folder.origin()
                + "); it cannot load a second build from " + asked + " (" + source.origin() + "): run it in a process of its own");
    }

    private static LlamaCpp load(BuildFolder folder) {
        SymbolLookup lookup = null;
        for (Path lib : folder.libraries()) {
            try {
                SymbolLookup one = SymbolLookup.libraryLookup(lib, Arena.global());
                lookup = lookup == null ? one : one.or(lookup);
            } catch (IllegalArgumentException e) {
                // dlopen failed: a missing system library (libstdc++, libcuda), a foreign binary.
                throw HarnessException.unsupportedModel("cannot open " + lib + ": " + firstLine(e.getMessage()), e);
            }
        }
        LlamaCpp l = new LlamaCpp(lookup, folder);
        l.installLogger();
        BuildCheck.check(l);
        try (Arena arena = Arena.ofConfined()) {
            // Before llama_backend_init: ggml picks the best CPU variant and registers GPU backends here.
            l.backendLoadAllFromPath.invokeExact(arena.allocateFrom(folder.dir().toString()));
            l.backendInit.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
        l.info = BuildInfo.read(l);
        return l;
    }

    BuildFolder folder() {
        return folder;
    }

    /** What was loaded: version, commit, backends, devices, the CPU variant and llama.cpp's system info. */
    BuildInfo info() {
        return info;
    }

    /** A C string returned by a function without arguments ({@code llama_version}, {@code ggml_commit}). */
    static String string(MethodHandle noArgs) {
        try {
            MemorySegment s = (MemorySegment) noArgs.invokeExact();
            return s.equals(MemorySegment.NULL) ? "" : s.reinterpret(1 << 16).getString(0);
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

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }

    private static String firstLine(String s) {
        if (s == null) return "unknown error";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
