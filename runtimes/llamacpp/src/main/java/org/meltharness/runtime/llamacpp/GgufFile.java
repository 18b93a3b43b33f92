package org.meltharness.runtime.llamacpp;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.meltharness.HarnessException;

/**
 * The header of a GGUF file (version 2 or 3), read in Java and checked before llama.cpp sees the
 * file: magic, counts, strings and every tensor's type, shape and byte range against the file's
 * size. A file that fails is refused with one line saying why (not a GGUF, truncated, a tensor type
 * this build cannot run), so that native code is never handed a malformed file.
 */
record GgufFile(Path path, int version, Map<String, Value> metadata, List<Tensor> tensors, long dataStart,
        int alignment, long fileSize) {

    static final int TYPE_UINT8 = 0;
    static final int TYPE_INT8 = 1;
    static final int TYPE_UINT16 = 2;
    static final int TYPE_INT16 = 3;
    static final int TYPE_UINT32 = 4;
    static final int TYPE_INT32 = 5;
    static final int TYPE_FLOAT32 = 6;
    static final int TYPE_BOOL = 7;
    static final int TYPE_STRING = 8;
    static final int TYPE_ARRAY = 9;
    static final int TYPE_UINT64 = 10;
    static final int TYPE_INT64 = 11;
    static final int TYPE_FLOAT64 = 12;

    static final int MAGIC = 0x46554747; // "GGUF" little-endian
    /** Elements of one metadata array: vocabularies and merge lists stay well under a million. */
    static final int MAX_ARRAY = 1 << 24;
    /** Bytes of one metadata string: a whole tokenizer.json fits (some files carry one). */
    static final int MAX_STRING = 64 << 20;

    /**
     * A metadata value: a scalar (Long, Double, Boolean, String) or, for arrays, a {@code List} of
     * those with {@code arrayType} giving the element type.
     */
    record Value(int type, int arrayType, Object value) {
        long asLong() {
            return ((Number) value).longValue();
        }

        String asString() {
            return (String) value;
        }

        @SuppressWarnings("unchecked")
        List<Object> asList() {
            return (List<Object>) value;
        }
    }

    /** A tensor's entry: name, shape (ne, fastest dimension first), type and offset from the data start. */
    record Tensor(String name, long[] shape, GgmlType type, long offset, long bytes) {
        long elements() {
            long n = 1;
            for (long d : shape) n *= d;
            return n;
        }

        long rows() {
            return elements() / shape[0];
        }
    }

    /** Reads and checks the header of {@code file}. */
    static GgufFile read(Path file) {
        if (!Files.isRegularFile(file)) throw HarnessException.badData("no GGUF file at " + file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return new GgufReader(file, ch).read();
        } catch (IOException e) {
            throw HarnessException.badData("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    String string(String key, String fallback) {
        Value v = metadata.get(key);
        return v != null && v.type() == TYPE_STRING ? v.asString() : fallback;
    }

    long integer(String key, long fallback) {
        Value v = metadata.get(key);
        return v != null && v.value() instanceof Number n && v.type() != TYPE_FLOAT32 && v.type() != TYPE_FLOAT64
                ? n.longValue() : fallback;
    }

    String architecture() {
        return string("general.architecture", "");
    }

    Tensor tensor(String name) {
        for (Tensor t : tensors) if (t.name().equals(name)) return t;
        return null;
    }

    /** Tensor counts by type, for the record (e.g. {@code {f32=11, q4_0=36}}). */
    Map<String, Integer> typeHistogram() {
        Map<String, Integer> h = new TreeMap<>();
        for (Tensor t : tensors) h.merge(t.type().label(), 1, Integer::sum);
        return Collections.unmodifiableMap(h);
    }

    /** Bytes of tensor data by type. */
    Map<String, Long> typeBytes() {
        Map<String, Long> h = new TreeMap<>();
        for (Tensor t : tensors) h.merge(t.type().label(), t.bytes(), Long::sum);
        return Collections.unmodifiableMap(h);
    }

    long parameters() {
        long n = 0;
        for (Tensor t : tensors) n += t.elements();
        return n;
    }

    /** The type most of the parameters are stored in, the file's quantisation for the record. */
    GgmlType majorityType() {
        Map<GgmlType, Long> byType = new LinkedHashMap<>();
        for (Tensor t : tensors) if (t.shape().length >= 2) byType.merge(t.type(), t.elements(), Long::sum);
        return byType.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(GgmlType.F32);
    }
}
