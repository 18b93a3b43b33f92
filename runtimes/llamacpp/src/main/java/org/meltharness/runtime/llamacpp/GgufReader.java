package org.meltharness.runtime.llamacpp;

import static org.meltharness.runtime.llamacpp.GgufFile.MAX_ARRAY;
import static org.meltharness.runtime.llamacpp.GgufFile.MAX_STRING;
import static org.meltharness.runtime.llamacpp.GgufFile.TYPE_ARRAY;
import static org.meltharness.runtime.llamacpp.GgufFile.TYPE_BOOL;
import static org.meltharness.runtime.llamacpp.GgufFile.TYPE_FLOAT32;
import static org.meltharness.runtime.llamacpp.GgufFile.TYPE_FLOAT64;
import static org.meltharness.runtime.llamacpp.GgufFile.TYPE_INT16;
import static org.meltharness.runtime.llamacpp.GgufFile.TYPE_INT32;
import static org.meltharness.runtime.llamacpp.GgufFile.TYPE_INT64;
import static org.meltharness.runtime.llamacpp.GgufFile.TYPE_INT8;
import static org.meltharness.runtime.llamacpp.GgufFile.TYPE_STRING;
import static org.meltharness.runtime.llamacpp.GgufFile.TYPE_UINT16;
import static org.meltharness.runtime.llamacpp.GgufFile.TYPE_UINT32;
import static org.meltharness.runtime.llamacpp.GgufFile.TYPE_UINT64;
import static org.meltharness.runtime.llamacpp.GgufFile.TYPE_UINT8;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.meltharness.HarnessException;
import org.meltharness.runtime.llamacpp.GgufFile.Tensor;
import org.meltharness.runtime.llamacpp.GgufFile.Value;

/** Reads a GGUF header as a little-endian stream, every length checked against the bytes left in the file. */
final class GgufReader {
    private final Path file;
    private final FileChannel ch;
    private final long size;
    private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    private long bufStart;

    GgufReader(Path file, FileChannel ch) throws IOException {
        this.file = file;
        this.ch = ch;
        this.size = ch.size();
        buf.limit(0);
    }

    GgufFile read() throws IOException {
        if (size < 24) throw notGguf("it is " + size + " bytes long");
        int magic = i32();
        if (magic != GgufFile.MAGIC) throw notGguf("it does not start with the GGUF magic");
        int version = i32();
        if (version < 2 || version > 3) {
            throw HarnessException.unsupportedModel(file + " is GGUF version " + version + "; "
                    + LlamaCpp.NAME + " reads versions 2 and 3");
        }
        long nTensors = i64();
        long nKv = i64();
        if (nTensors < 0 || nKv < 0 || nTensors > size / 8 || nKv > size / 8) {
            throw corrupt("its header counts " + nTensors + " tensors and " + nKv + " metadata entries");
        }
        Map<String, Value> meta = new LinkedHashMap<>();
        for (long i = 0; i < nKv; i++) {
            String key = string();
            int type = i32();
            meta.put(key, value(type, key));
        }
        checkVocabulary(meta);
        Value align = meta.get("general.alignment");
        // llama.cpp reads it with gguf_get_val_u32, which asserts the type and aborts the process.
        if (align != null && align.type() != TYPE_UINT32) throw corrupt("general.alignment is not a u32");
        int alignment = align == null ? 32 : (int) align.asLong();
        if (alignment <= 0 || (alignment & (alignment - 1)) != 0) {
            throw corrupt("general.alignment is " + alignment + ", not a power of two");
        }
        List<Tensor> tensors = new ArrayList<>();
        for (long i = 0; i < nTensors; i++) {
            String name = string();
            int nDims = i32();
            if (nDims < 1 || nDims > 4) throw corrupt("tensor " + name + " has " + nDims + " dimensions");
            long[] shape = new long[nDims];
            for (int d = 0; d < nDims; d++) {
                shape[d] = i64();
                if (shape[d] <= 0 || shape[d] > size * 8) throw corrupt("tensor " + name + " has dimension " + shape[d]);
            }
            int typeId = i32();
            long offset = i64();
            GgmlType type = GgmlType.byId(typeId);
            if (type == null) {
                throw HarnessException.unsupportedModel(file.getFileName() + ": tensor " + name + " has ggml type " + typeId
                        + ", which " + LlamaCpp.NAME + " does not know");
            }
            if (shape[0] % type.blockSize != 0) {
                throw corrupt("tensor " + name + " has rows of " + shape[0] + " elements, not whole " + type.label()
                        + " blocks of " + type.blockSize);
            }
            long elements = 1;
            try {
                for (long d : shape) elements = Math.multiplyExact(elements, d);
            } catch (ArithmeticException e) {
                throw corrupt("tensor " + name + " has more elements than a file can hold");
            }
            long bytes = elements / type.blockSize * type.typeSize;
            if (offset % alignment != 0) throw corrupt("tensor " + name + " is not aligned to " + alignment + " bytes");
            tensors.add(new Tensor(name, shape, type, offset, bytes));
        }
        long pos = position();
        long dataStart = (pos + alignment - 1) / alignment * alignment;
        for (Tensor t : tensors) {
            long end = dataStart + t.offset() + t.bytes();
            if (end > size) {
                throw HarnessException.badData(file + " is truncated: tensor " + t.name() + " needs bytes up to " + end
                        + " but the file has " + size);
            }
        }
        return new GgufFile(file, version, Collections.unmodifiableMap(meta), List.copyOf(tensors), dataStart,
                alignment, size);
    }

    private Value value(int type, String key) throws IOException {
        if (type == TYPE_ARRAY) {
            int elementType = i32();
            long n = i64();
            if (elementType == TYPE_ARRAY) throw corrupt("metadata " + key + " is an array of arrays");
            int width = width(elementType, key);
            // Bounded by the bytes left before anything is allocated: a count is only a claim.
            if (n < 0 || n > (size - position()) / width) {
                throw truncatedOrCorrupt("an array " + key + " of " + n + " elements");
            }
            if (n > MAX_ARRAY) {
                throw corrupt("metadata " + key + " has " + n + " elements; the harness reads arrays of at most "
                        + MAX_ARRAY + " (a vocabulary has far fewer)");
            }
            return new Value(TYPE_ARRAY, elementType, array(elementType, (int) n, key));
        }
        return new Value(type, -1, scalar(type, key));
    }

    /** The smallest number of bytes an element of {@code type} takes in the file (a string: its length). */
    private int width(int type, String key) {
        return switch (type) {
            case TYPE_UINT8, TYPE_INT8, TYPE_BOOL -> 1;
            case TYPE_UINT16, TYPE_INT16 -> 2;
            case TYPE_UINT32, TYPE_INT32, TYPE_FLOAT32 -> 4;
            case TYPE_UINT64, TYPE_INT64, TYPE_FLOAT64, TYPE_STRING -> 8;
            default -> throw corrupt("metadata " + key + " has element type " + type);
        };
    }

    /**
     * An array kept in a primitive array of its own width and seen as a list of the boxed values
     * {@link #scalar} gives: a 10-million-entry vocabulary costs its bytes, not 24 bytes an element.
     */
    private List<Object> array(int type, int n, String key) throws IOException {
        switch (type) {
            case TYPE_STRING -> {
                String[] a = new String[n];
                for (int i = 0; i < n; i++) a[i] = string();
                return Collections.unmodifiableList(java.util.Arrays.asList((Object[]) a));
            }
            case TYPE_FLOAT32 -> {
                float[] a = new float[n];
                for (int i = 0; i < n; i++) a[i] = need(4).getFloat();
                return view(n, i -> (double) a[i]);
            }
            case TYPE_FLOAT64 -> {
                double[] a = new double[n];
                for (int i = 0; i < n; i++) a[i] = need(8).getDouble();
                return view(n, i -> a[i]);
            }
            case TYPE_BOOL -> {
                byte[] a = new byte[n];
                for (int i = 0; i < n; i++) a[i] = need(1).get();
                return view(n, i -> a[i] != 0);
            }
            case TYPE_UINT64, TYPE_INT64 -> {
                long[] a = new long[n];
                for (int i = 0; i < n; i++) a[i] = need(8).getLong();
                return view(n, i -> a[i]);
            }
            case TYPE_UINT8, TYPE_INT8 -> {
                byte[] a = new byte[n];
                for (int i = 0; i < n; i++) a[i] = need(1).get();
                return type == TYPE_UINT8 ? view(n, i -> (long) (a[i] & 0xff)) : view(n, i -> (long) a[i]);
            }
            case TYPE_UINT16, TYPE_INT16 -> {
                short[] a = new short[n];
                for (int i = 0; i < n; i++) a[i] = need(2).getShort();
                return type == TYPE_UINT16 ? view(n, i -> (long) (a[i] & 0xffff)) : view(n, i -> (long) a[i]);
            }
            default -> {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) a[i] = need(4).getInt();
                return type == TYPE_UINT32 ? view(n, i -> a[i] & 0xffffffffL) : view(n, i -> (long) a[i]);
            }
        }
    }

    private static List<Object> view(int n, java.util.function.IntFunction<Object> get) {
        return new java.util.AbstractList<>() {
            @Override
            public Object get(int i) {
                java.util.Objects.checkIndex(i, n);
                return get.apply(i);
            }

            @Override
            public int size() {
                return n;
            }
        };
    }

    private Object scalar(int type, String key) throws IOException {
        return switch (type) {
            case TYPE_UINT8 -> (long) (need(1).get() & 0xff);
            case TYPE_INT8 -> (long) need(1).get();
            case TYPE_UINT16 -> (long) (need(2).getShort() & 0xffff);
            case TYPE_INT16 -> (long) need(2).getShort();
            case TYPE_UINT32 -> need(4).getInt() & 0xffffffffL;
            case TYPE_INT32 -> (long) need(4).getInt();
            case TYPE_FLOAT32 -> (double) need(4).getFloat();
            case TYPE_BOOL -> need(1).get() != 0;
            case TYPE_STRING -> string();
            case TYPE_UINT64, TYPE_INT64 -> need(8).getLong();
            case TYPE_FLOAT64 -> need(8).getDouble();
            default -> throw corrupt("metadata " + key + " has value type " + type);
        };
    }

    private String string() throws IOException {
        long n = i64();
        if (n < 0 || n > size - position()) throw truncatedOrCorrupt("a string of " + n + " bytes");
        // A length from the file is never cast to int unchecked (a crafted one would wrap negative).
        if (n > MAX_STRING) throw corrupt("a string of " + n + " bytes; the harness reads strings of at most " + MAX_STRING);
        byte[] bytes = new byte[(int) n];
        int done = 0;
        while (done < n) {
            int k = (int) Math.min(n - done, buf.capacity());
            need(k).get(bytes, done, k);
            done += k;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw corrupt("a string is not UTF-8");
        }
    }

    /**
     * The vocabulary arrays llama.cpp indexes by token id: the token list must be strings, and the
     * scores (F32) and token types (I32), when present, exactly as long. Older llama.cpp read them
     * without checking their type or length (b4916 read past the end of a short list); this
     * build checks some of it, but a file is refused here first, in one line, whatever build runs it.
     */
    private void checkVocabulary(Map<String, Value> meta) {
        Value tokens = meta.get("tokenizer.ggml.tokens");
        if (tokens == null) return;
        if (tokens.type() != TYPE_ARRAY || tokens.arrayType() != TYPE_STRING) {
            throw corrupt("tokenizer.ggml.tokens is not an array of strings");
        }
        int n = tokens.asList().size();
        arrayOf(meta, "tokenizer.ggml.scores", TYPE_FLOAT32, "f32", n);
        arrayOf(meta, "tokenizer.ggml.token_type", TYPE_INT32, "i32", n);
        Value merges = meta.get("tokenizer.ggml.merges");
        if (merges != null && (merges.type() != TYPE_ARRAY || merges.arrayType() != TYPE_STRING)) {
            throw corrupt("tokenizer.ggml.merges is not an array of strings");
        }
    }

    private void arrayOf(Map<String, Value> meta, String key, int type, String typeName, int n) {
        Value v = meta.get(key);
        if (v == null) return;
        if (v.type() != TYPE_ARRAY || v.arrayType() != type) throw corrupt(key + " is not an array of " + typeName);
        int have = v.asList().size();
        if (have != n) throw corrupt(key + " has " + have + " entries for " + n + " tokens");
    }

    private int i32() throws IOException {
        return need(4).getInt();
    }

    private long i64() throws IOException {
        return need(8).getLong();
    }

    private long position() {
        return bufStart + buf.position();
    }

    private ByteBuffer need(int n) throws IOException {
        if (buf.remaining() >= n) return buf;
        long pos = position();
        if (pos + n > size) throw truncatedOrCorrupt(n + " more bytes at offset " + pos);
        buf.compact();
        bufStart = pos;
        while (buf.position() < n) {
            if (ch.read(buf, bufStart + buf.position()) < 0) throw truncatedOrCorrupt("bytes at offset " + pos);
        }
        buf.flip();
        return buf;
    }

    private HarnessException notGguf(String why) {
        return HarnessException.badData(file + " is not a GGUF file: " + why);
    }

    private HarnessException corrupt(String why) {
        return HarnessException.badData(file + " is not a valid GGUF file: " + why);
    }

    private HarnessException truncatedOrCorrupt(String what) {
        return HarnessException.badData(file + " is truncated or corrupt: its header needs " + what + " but the file has "
                + size + " bytes");
    }
}
