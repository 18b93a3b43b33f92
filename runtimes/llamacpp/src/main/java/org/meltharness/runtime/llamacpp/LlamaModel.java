package org.meltharness.runtime.llamacpp;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import org.meltharness.HarnessException;

/**
 * A GGUF model loaded by llama.cpp ({@code llama_model}) with its vocabulary. The file's header is
 * checked in Java first ({@link GgufFile}); when llama.cpp still refuses it, the engine's own error
 * line becomes the message. Used from one thread at a time.
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
    private boolean closed;

    private LlamaModel(LlamaCpp lib, MemorySegment model, GgufFile gguf, boolean vocabOnly) {
        this.lib = lib;
        this.model = model;
        this.gguf = gguf;
        this.vocabOnly = vocabOnly;
        try {
            this.vocab = (MemorySegment) lib.modelGetVocab.invokeExact(model);
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        }
    }

    /** Loads {@code file}; {@code vocabOnly} reads the vocabulary alone (tokenizer use, no weights). */
    static LlamaModel load(Path file, boolean vocabOnly) {
        GgufFile gguf = GgufFile.read(file);
        if (!vocabOnly) {
            for (GgufFile.Tensor t : gguf.tensors()) {
                if (t.shape().length == 1 && t.type() != GgmlType.F32) {
                    // Norms and biases enter element-wise operations, which this build runs in F32 only.
                    throw HarnessException.unsupportedModel(file.getFileName() + ": tensor " + t.name() + " is a vector stored as "
                            + t.type().label() + "; llama.cpp b" + LlamaCpp.BUILD + " needs vectors in f32");
                }
                if (t.shape().length >= 2 && NOT_COMPUTABLE.contains(t.type())) {
                    throw HarnessException.unsupportedModel(file.getFileName() + ": tensor " + t.name() + " is stored as "
                            + t.type().label() + ", which llama.cpp b" + LlamaCpp.BUILD + " cannot compute with on the CPU");
                }
            }
            if (gguf.tensors().isEmpty()) {
                throw HarnessException.badData(file + " holds no tensors (a vocabulary-only GGUF cannot be run)");
            }
        }
        LlamaCpp lib = LlamaCpp.get();
        long mark = NativeLog.mark();
        MemorySegment model;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = arena.allocate(LlamaCpp.MODEL_PARAMS);
            MemorySegment defaults = (MemorySegment) lib.modelDefaultParams.invokeExact((SegmentAllocator) arena);
            params.copyFrom(defaults.asSlice(0, LlamaCpp.MODEL_PARAMS.byteSize()));
            params.set(JAVA_BYTE, 56, (byte) (vocabOnly ? 1 : 0)); // vocab_only
            model = (MemorySegment) lib.modelLoadFromFile.invokeExact(arena.allocateFrom(file.toString()), params);
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        }
        if (model.equals(MemorySegment.NULL)) {
            String why = NativeLog.problemsSince(mark);
            String msg = "llama.cpp b" + LlamaCpp.BUILD + " cannot load " + file.getFileName() + ": "
                    + (why == null ? "it gave no reason" : clean(why));
            boolean unsupported = why != null && (why.contains("unknown model architecture") || why.contains("unknown pre")
                    || why.contains("unsupported") || why.contains("unknown tokenizer"));
            throw unsupported ? HarnessException.unsupportedModel(msg) : HarnessException.badData(msg);
        }
        return new LlamaModel(lib, model, gguf, vocabOnly);
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
        try {
            return (int) lib.vocabNTokens.invokeExact(vocab);
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        }
    }

    int trainedContext() {
        try {
            return (int) lib.modelNCtxTrain.invokeExact(model);
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        }
    }

    long parameters() {
        try {
            return (long) lib.modelNParams.invokeExact(model);
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        }
    }

    /** Bytes of the loaded tensors ({@code llama_model_size}). */
    long bytes() {
        try {
            return (long) lib.modelSize.invokeExact(model);
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        }
    }

    /** {@code llama_model_desc}, e.g. {@code llama ?B all F32}. */
    String description() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(256);
            int n = (int) lib.modelDesc.invokeExact(model, buf, 256L);
            return n < 0 ? "" : buf.getString(0);
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        }
    }

    int bos() {
        try {
            return (int) lib.vocabBos.invokeExact(vocab);
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        }
    }

    int eos() {
        try {
            return (int) lib.vocabEos.invokeExact(vocab);
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        }
    }

    boolean addBos() {
        try {
            return (boolean) lib.vocabGetAddBos.invokeExact(vocab);
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        }
    }

    boolean addEos() {
        try {
            return (boolean) lib.vocabGetAddEos.invokeExact(vocab);
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        }
    }

    /** Whether {@code token} ends generation (end-of-sequence or end-of-turn). */
    boolean isEndOfGeneration(int token) {
        try {
            return (boolean) lib.vocabIsEog.invokeExact(vocab, token);
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        }
    }

    /** The vocabulary's text for {@code token}, as stored (SentencePiece's U+2581, byte-level BPE's symbols). */
    String tokenText(int token) {
        try {
            MemorySegment s = (MemorySegment) lib.vocabGetText.invokeExact(vocab, token);
            return s.equals(MemorySegment.NULL) ? null : s.reinterpret(1 << 16).getString(0);
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        }
    }

    /**
     * {@code llama_tokenize}. {@code addSpecial} adds BOS (and EOS) as the vocabulary's metadata says;
     * {@code parseSpecial} turns special-token text in {@code text} into those tokens, as Hugging Face
     * tokenizers do.
     */
    int[] tokenize(String text, boolean addSpecial, boolean parseSpecial) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
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
        }
    }

    /**
     * {@code llama_detokenize} as UTF-8 bytes: special tokens dropped when {@code removeSpecial}, and the
     * SentencePiece leading space removed from the first token as the library does.
     */
    byte[] detokenize(int[] ids, boolean removeSpecial) {
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
        }
    }

    /** A metadata value as llama.cpp renders it, or null. */
    String meta(String key) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(1024);
            int n = (int) lib.modelMetaValStr.invokeExact(model, arena.allocateFrom(key), buf, 1024L);
            return n < 0 ? null : buf.getString(0);
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            lib.modelFree.invokeExact(model);
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        }
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
