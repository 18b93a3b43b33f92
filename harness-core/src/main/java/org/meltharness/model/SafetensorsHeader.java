package org.meltharness.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.meltharness.HarnessException;

/**
 * The header of one safetensors file: each tensor's dtype, shape and byte range, checked against the
 * file's length so that a truncated or corrupt file fails here, in one line, rather than deep in an
 * engine. Every runtime that reads safetensors starts from it.
 *
 * @param dataStart the file offset of the first tensor byte (8 + header length)
 * @param tensors tensors in file order
 */
public record SafetensorsHeader(Path file, long dataStart, Map<String, Tensor> tensors) {
    private static final ObjectMapper JSON = new ObjectMapper();
    // The format's own limit (safetensors rejects headers above 100 MB).
    private static final long MAX_HEADER = 100L << 20;

    public SafetensorsHeader {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    /**
     * One tensor's entry.
     *
     * @param begin offset of its first byte, relative to {@code dataStart}
     * @param end offset after its last byte, relative to {@code dataStart}
     */
    public record Tensor(String name, String dtype, long[] shape, long begin, long end) {
        public long elements() {
            long n = 1;
            for (long d : shape) n *= d;
            return n;
        }

        public long bytes() {
            return end - begin;
        }

        /** The file offset of its first byte, given the header's {@code dataStart}. */
        public long offset(long dataStart) {
            return dataStart + begin;
        }
    }

    public static SafetensorsHeader read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw corrupt(file, "it has only " + size + " bytes");
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, len, 0);
            long headerLength = len.flip().getLong();
            if (headerLength <= 0 || headerLength > MAX_HEADER || 8 + headerLength > size) {
                throw corrupt(file, "its header length " + headerLength + " does not fit a file of " + size + " bytes");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLength);
            readFully(ch, header, 8);
            JsonNode root;
            try {
                root = JSON.readTree(header.array());
            } catch (IOException e) {
                throw corrupt(file, "its header is not JSON (" + firstLine(e) + ")");
            }
            if (root == null || !root.isObject()) throw corrupt(file, "its header is not a JSON object");
            long dataStart = 8 + headerLength;
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = root.properties().iterator();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) continue;
                Tensor t = tensor(file, e.getKey(), e.getValue());
                if (dataStart + t.end() > size) {
                    throw corrupt(file, "it is truncated: tensor " + t.name() + " ends at byte " + (dataStart + t.end())
                            + " but the file has " + size + " bytes");
                }
                tensors.put(t.name(), t);
            }
            if (tensors.isEmpty()) throw corrupt(file, "it holds no tensors");
            return new SafetensorsHeader(file, dataStart, tensors);
        } catch (IOException e) {
            throw HarnessException.badData("cannot read " + file + ": " + firstLine(e), e);
        }
    }

    private static Tensor tensor(Path file, String name, JsonNode node) {
        JsonNode dtype = node.get("dtype");
        JsonNode shape = node.get("shape");
        JsonNode offsets = node.get("data_offsets");
        if (dtype == null || !dtype.isTextual() || shape == null || !shape.isArray() || offsets == null
                || !offsets.isArray() || offsets.size() != 2) {
            throw corrupt(file, "tensor " + name + " lacks dtype, shape or data_offsets");
        }
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = shape.get(i).asLong(-1);
            if (dims[i] < 0) throw corrupt(file, "tensor " + name + " has a negative dimension");
        }
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        if (begin < 0 || end < begin) throw corrupt(file, "tensor " + name + " has data_offsets " + offsets);
        Tensor t = new Tensor(name, dtype.asText(), dims, begin, end);
        int width = elementBytes(t.dtype());
        if (width > 0 && t.elements() * width != t.bytes()) {
            throw corrupt(file, "tensor " + name + " of shape " + shape + " " + t.dtype() + " should take "
                    + t.elements() * width + " bytes, not " + t.bytes());
        }
        return t;
    }

    /** Bytes per element of the standard dtypes; 0 for packed ones (Jlama's Q4), whose size is not checked. */
    public static int elementBytes(String dtype) {
        return switch (dtype) {
            case "F64", "I64", "U64" -> 8;
            case "F32", "I32", "U32" -> 4;
            case "F16", "BF16", "I16", "U16" -> 2;
            case "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2" -> 1;
            default -> 0;
        };
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) throw new IOException("unexpected end of file");
            pos += n;
        }
    }

    private static HarnessException corrupt(Path file, String why) {
        return HarnessException.badData("corrupt safetensors file " + file + ": " + why);
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
