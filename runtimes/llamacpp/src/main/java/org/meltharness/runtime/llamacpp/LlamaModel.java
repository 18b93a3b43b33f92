package org.meltharness.runtime.llamacpp;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import org.meltharness.HarnessException;

/**
 * A GGUF model loaded by llama.cpp ({@code llama_model}) with its vocabulary. The file's header is
 * checked in Java first ({@link GgufFile}); when llama.cpp still refuses it, the engine's own error
 * line becomes the message. Calls may come from several threads; {@link #close} waits for those in
 * progress ({@link NativeGuard}).
 */
final class LlamaModel implements AutoCloseable {
    /** Tensor types this build has no CPU matrix kernel for; a weight of such a type is refused. */
    private static final Set<GgmlType> NOT_COMPUTABLE = Set.of(GgmlType.Q8_1, GgmlType.Q8_K, GgmlType.I8, GgmlType.I16,
            GgmlType.I32, GgmlType.I64, GgmlType.F64);

    private final LlamaCpp lib;
    private final MemorySegment model;
    private final MemorySegment vocab;
    private final GgufFile gguf;
    private final boolean vocabOnly;
    private final Offload offload;
    private final NativeGuard guard = new NativeGuard();
    // Facts that do not change, read once so that they need no guard later.
    private final int vocabularySize;
    private final int trainedContext;
    private final long parameters;
    private final long bytes;
    private final String description;
    private final int bos;
    private final int eos;
    private final boolean addBos;
    private final boolean addEos;
    private volatile boolean closed;

    private LlamaModel(LlamaCpp lib, MemorySegment model, GgufFile gguf, boolean vocabOnly, Offload offload) {
        this.lib = lib;
        this.model = model;
        this.gguf = gguf;
        this.vocabOnly = vocabOnly;
        this.offload = offload;
        try (Arena arena = Arena.ofConfined()) {
            this.vocab = (MemorySegment) lib.modelGetVocab.invokeExact(model);
            this.vocabularySize = (int) lib.vocabNTokens.invokeExact(vocab);
            this.trainedContext = (int) lib.modelNCtxTrain.invokeExact(model);
            this.parameters = (long) lib.modelNParams.invokeExact(model);
            this.bytes = (long) lib.modelSize.invokeExact(model);
            MemorySegment buf = arena.allocate(256);
            int n = (int) lib.modelDesc.invokeExact(model, buf, 256L);
            this.description = n < 0 ? "" : buf.getString(0);
            this.bos = (int) lib.vocabBos.invokeExact(vocab);
            this.eos = (int) lib.vocabEos.invokeExact(vocab);
            this.addBos = (boolean) lib.vocabGetAddBos.invokeExact(vocab);
            this.addEos = (boolean) lib.vocabGetAddEos.invokeExact(vocab);
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        }
    }

    /**
     * GPU offload asked for: {@code gpuLayers} layers (0 none, -1 all) and, when not -1, the one GPU
     * ({@code mainGpu}) that holds the whole model (llama.cpp's split mode none).
     */
    record Offload(int gpuLayers, int mainGpu) {
        static final Offload NONE = new Offload(0, -1);

        boolean wanted() {
            return gpuLayers != 0 || mainGpu >= 0;
        }
    }

    /** Loads {@code file} on the CPU; {@code vocabOnly} reads the vocabulary alone (tokenizer use, no weights). */
    static LlamaModel load(LlamaCpp lib, Path file, boolean vocabOnly) {
        return load(lib, file, vocabOnly, Offload.NONE);
    }

    /**
     * Loads {@code file}, offloading as {@code offload} asks. Asking for a GPU from a build that has
     * none, or for a GPU it does not have, is refused in one line (llama.cpp itself would run on the
     * CPU without a word).
     */
    static LlamaModel load(LlamaCpp lib, Path file, boolean vocabOnly, Offload offload) {
        GgufFile gguf = GgufFile.read(file);
        if (!vocabOnly) {
            for (GgufFile.Tensor t : gguf.tensors()) {
                if (t.shape().length == 1 && t.type() != GgmlType.F32) {
                    // Norms and biases enter element-wise operations, which the CPU backend runs in F32 only.
                    throw HarnessException.unsupportedModel(file.getFileName() + ": tensor " + t.name() + " is a vector stored as "
                            + t.type().label() + "; " + LlamaCpp.NAME + " needs vectors in f32 on the CPU");
                }
                if (t.shape().length >= 2 && NOT_COMPUTABLE.contains(t.type())) {
                    throw HarnessException.unsupportedModel(file.getFileName() + ": tensor " + t.name() + " is stored as "
                            + t.type().label() + ", which " + LlamaCpp.NAME + " cannot compute with on the CPU");
                }
            }
            if (gguf.tensors().isEmpty()) {
                throw HarnessException.badData(file + " holds no tensors (a vocabulary-only GGUF cannot be run)");
            }
        }
        checkOffload(lib.info(), offload);
        long mark = NativeLog.mark();
        MemorySegment model;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = params(lib, arena, vocabOnly, offload);
            model = (MemorySegment) lib.modelLoadFromFile.invokeExact(arena.allocateFrom(file.toString()), params);
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        }
        if (model.equals(MemorySegment.NULL)) {
            String why = NativeLog.problemsSince(mark);
            String msg = LlamaCpp.NAME + " cannot load " + file.getFileName() + ": "
                    + (why == null ? "it gave no reason" : clean(why));
            boolean unsupported = why != null && (why.contains("unknown model architecture") || why.contains("unknown pre")
                    || why.contains("unsupported") || why.contains("unknown tokenizer"));
            throw unsupported ? HarnessException.unsupportedModel(msg) : HarnessException.badData(msg);
        }
        return new LlamaModel(lib, model, gguf, vocabOnly, offload);
    }

    /** The {@code llama_model_params} passed to the library: its defaults, with vocab_only and the offload asked for. */
    static MemorySegment params(LlamaCpp lib, Arena arena, boolean vocabOnly, Offload offload) {
        StructLayout s = Layouts.MODEL_PARAMS;
        MemorySegment params = arena.allocate(s);
        try {
            MemorySegment defaults = (MemorySegment) lib.modelDefaultParams.invokeExact((SegmentAllocator) arena);
            params.copyFrom(defaults.asSlice(0, s.byteSize()));
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        }
        params.set(JAVA_BYTE, Layouts.offset(s, "vocab_only"), (byte) (vocabOnly ? 1 : 0));
        params.set(JAVA_INT, Layouts.offset(s, "n_gpu_layers"), offload.gpuLayers());
        if (offload.mainGpu() >= 0) {
            params.set(JAVA_INT, Layouts.offset(s, "split_mode"), Layouts.SPLIT_MODE_NONE);
            params.set(JAVA_INT, Layouts.offset(s, "main_gpu"), offload.mainGpu());
        }
        return params;
    }

    /** A GPU asked of a build without one, or a main GPU it does not have, is one line. */
    static void checkOffload(BuildInfo build, Offload offload) {
        if (!offload.wanted()) return;
        var gpus = build.gpus();
        String asked = offload.mainGpu() >= 0 ? "--main-gpu " + offload.mainGpu() : "--gpu-layers " + offload.gpuLayers();
        if (gpus.isEmpty()) {
            throw HarnessException.unsupportedModel(asked + " asks for a GPU, but the llama.cpp build in " + build.dir()
                    + " has no GPU backend (its devices: " + build.devices().stream().map(BuildInfo.Device::name).toList()
                    + "); name a CUDA, Vulkan or Metal build of llama.cpp v" + LlamaCpp.VERSION + " with --llama-cpp DIR");
        }
        if (offload.mainGpu() >= gpus.size()) {
            throw HarnessException.usage("--main-gpu " + offload.mainGpu() + ": the build sees " + gpus.size() + " GPU(s): "
                    + gpus.stream().map(d -> d.name() + " (" + d.description() + ")").toList());
        }
    }

    GgufFile gguf() {
        return gguf;
    }

    Path path() {
        return gguf.path();
    }

    MemorySegment handle() {
        return model;
    }

    LlamaCpp lib() {
        return lib;
    }

    boolean vocabOnly() {
        return vocabOnly;
    }

    int vocabularySize() {
        return vocabularySize;
    }

    int trainedContext() {
        return trainedContext;
    }

    long parameters() {
        return parameters;
    }

    /** Bytes of the loaded tensors ({@code llama_model_size}). */
    long bytes() {
        return bytes;
    }

    /** {@code llama_model_desc}, e.g. {@code llama ?B all F32}. */
    String description() {
        return description;
    }

    int bos() {
        return bos;
    }

    int eos() {
        return eos;
    }

    boolean addBos() {
        return addBos;
    }

    boolean addEos() {
        return addEos;
    }

    Offload offload() {
        return offload;
    }

    /** The guard every call on this model and its contexts runs under. */
    NativeGuard guard() {
        return guard;
    }

    boolean closed() {
        return closed;
    }

    /** Whether {@code token} ends generation (end-of-sequence or end-of-turn). */
    boolean isEndOfGeneration(int token) {
        checkToken(token);
        guard.enter(closed, "model");
        try {
            return (boolean) lib.vocabIsEog.invokeExact(vocab, token);
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        } finally {
            guard.exit();
        }
    }

    /** The vocabulary's text for {@code token}, as stored (SentencePiece's U+2581, byte-level BPE's symbols). */
    String tokenText(int token) {
        checkToken(token);
        guard.enter(closed, "model");
        try {
            MemorySegment s = (MemorySegment) lib.vocabGetText.invokeExact(vocab, token);
            return s.equals(MemorySegment.NULL) ? null : s.reinterpret(1 << 16).getString(0);
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        } finally {
            guard.exit();
        }
    }

    /**
     * {@code llama_tokenize}. {@code addSpecial} adds BOS (and EOS) as the vocabulary's metadata says;
     * {@code parseSpecial} turns special-token text in {@code text} into those tokens, as Hugging Face
     * tokenizers do.
     */
    int[] tokenize(String text, boolean addSpecial, boolean parseSpecial) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        guard.enter(closed, "model");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment in = arena.allocate(utf8.length + 1L);
            MemorySegment.copy(utf8, 0, in, JAVA_BYTE, 0, utf8.length);
            int capacity = utf8.length + 8;
            MemorySegment out = arena.allocate(JAVA_INT, capacity);
            int n = (int) lib.tokenize.invokeExact(vocab, in, utf8.length, out, capacity, addSpecial, parseSpecial);
            if (n < 0) {
                capacity = -n;
                out = arena.allocate(JAVA_INT, capacity);
                n = (int) lib.tokenize.invokeExact(vocab, in, utf8.length, out, capacity, addSpecial, parseSpecial);
            }
            if (n < 0) throw new IllegalStateException("llama_tokenize failed (" + n + ") on " + utf8.length + " bytes");
            return out.asSlice(0, n * 4L).toArray(JAVA_INT);
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        } finally {
            guard.exit();
        }
    }

    /**
     * {@code llama_detokenize} as UTF-8 bytes: special tokens dropped when {@code removeSpecial}, and the
     * SentencePiece leading space removed from the first token as the library does.
     */
    byte[] detokenize(int[] ids, boolean removeSpecial) {
        for (int id : ids) checkToken(id);
        guard.enter(closed, "model");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment in = arena.allocateFrom(JAVA_INT, ids);
            int capacity = ids.length * 16 + 16;
            MemorySegment out = arena.allocate(capacity);
            int n = (int) lib.detokenize.invokeExact(vocab, in, ids.length, out, capacity, removeSpecial, false);
            if (n < 0) {
                capacity = -n + 1;
                out = arena.allocate(capacity);
                n = (int) lib.detokenize.invokeExact(vocab, in, ids.length, out, capacity, removeSpecial, false);
            }
            if (n < 0) throw new IllegalStateException("llama_detokenize failed (" + n + ")");
            return out.asSlice(0, n).toArray(JAVA_BYTE);
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        } finally {
            guard.exit();
        }
    }

    /** A metadata value as llama.cpp renders it, or null. */
    String meta(String key) {
        guard.enter(closed, "model");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(1024);
            int n = (int) lib.modelMetaValStr.invokeExact(model, arena.allocateFrom(key), buf, 1024L);
            return n < 0 ? null : buf.getString(0);
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        } finally {
            guard.exit();
        }
    }

    /**
     * An id outside the vocabulary would reach {@code std::vector::at} inside llama.cpp, whose exception
     * cannot cross the C API and aborts the process.
     */
    private void checkToken(int token) {
        if (token < 0 || token >= vocabularySize) {
            throw new IllegalArgumentException("token id " + token + " is outside the vocabulary of " + vocabularySize);
        }
    }

    /** Frees the model once no call on it or its contexts is in progress; later calls fail with one line. */
    @Override
    public void close() {
        guard.exclusive(() -> {
            if (closed) return;
            closed = true;
            try {
                lib.modelFree.invokeExact(model);
            } catch (Throwable t) {
                throw LlamaCpp.rethrow(t);
            }
        });
    }

    /** The engine's log line without its function-name and repeated "error loading model" decorations. */
    static String clean(String line) {
        String s = line.strip();
        int colon = s.indexOf(": ");
        if (colon > 0 && s.substring(0, colon).matches("[A-Za-z_][A-Za-z0-9_:<>]*")) s = s.substring(colon + 2);
        while (s.startsWith("error loading model: ")) s = s.substring("error loading model: ".length());
        return s;
    }
}
