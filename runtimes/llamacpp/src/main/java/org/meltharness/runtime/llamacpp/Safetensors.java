package org.meltharness.runtime.llamacpp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import org.meltharness.HarnessException;

/**
 * The tensors of a Hugging Face model folder's safetensors files (one file, or shards listed in
 * {@code model.safetensors.index.json}), mapped read-only; rows are read as float32 whatever the
 * stored type (F32, F16, BF16).
 */
final class Safetensors implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One tensor: where its bytes are and how to read them. */
    record Tensor(String name, String dtype, long[] shape, MemorySegment data) {
        long elements() {
            long n = 1;
            for (long d : shape) n *= d;
            return n;
        }

        /** Elements per row: the last dimension (1-D tensors are one row). */
        long rowLength() {
            return shape.length == 0 ? 1 : shape[shape.length - 1];
        }

        long rows() {
            return elements() / Math.max(1, rowLength());
        }

        /** Reads row {@code row} as floats into {@code out}. */
        void row(long row, float[] out) {
            int n = (int) rowLength();
            switch (dtype) {
                case "F32" -> MemorySegment.copy(data, LE_FLOAT, row * n * 4, out, 0, n);
                case "F16" -> {
                    long base = row * n * 2;
                    for (int i = 0; i < n; i++) out[i] = Float.float16ToFloat(data.get(LE_SHORT, base + 2L * i));
                }
                case "BF16" -> {
                    long base = row * n * 2;
                    for (int i = 0; i < n; i++) out[i] = Float.intBitsToFloat((data.get(LE_SHORT, base + 2L * i) & 0xffff) << 16);
                }
                default -> throw new IllegalStateException(dtype);
            }
        }
    }

    private static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Arena arena = Arena.ofShared();
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();

    private Safetensors() {}

    /** Opens every safetensors file of {@code dir}. */
    static Safetensors open(Path dir) {
        Safetensors s = new Safetensors();
        try {
            TreeSet<String> files = new TreeSet<>();
            Path index = dir.resolve("model.safetensors.index.json");
            if (Files.isRegularFile(index)) {
                JsonNode map = JSON.readTree(index.toFile()).path("weight_map");
                for (Iterator<JsonNode> it = map.elements(); it.hasNext(); ) files.add(it.next().asText());
            } else {
                try (var list = Files.list(dir)) {
                    list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".safetensors")).forEach(files::add);
                }
            }
            if (files.isEmpty()) throw HarnessException.badData(dir + " holds no .safetensors file");
            for (String f : files) s.read(org.meltharness.model.WeightFiles.shard(dir, f)); // refuses names outside dir
            return s;
        } catch (IOException e) {
            s.close();
            throw HarnessException.badData("cannot read the safetensors files of " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private void read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            if (size < 8 || ch.read(len, 0) != 8) throw HarnessException.badData(file + " is not a safetensors file");
            long headerBytes = len.getLong(0);
            if (headerBytes <= 0 || headerBytes > size - 8 || headerBytes > 100_000_000) {
                throw HarnessException.badData(file + " is not a safetensors file (header of " + headerBytes + " bytes)");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerBytes);
            ch.read(header, 8);
            JsonNode root = JSON.readTree(new String(header.array(), StandardCharsets.UTF_8));
            MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            long dataStart = 8 + headerBytes;
            for (Iterator<Map.Entry<String, JsonNode>> it = root.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) continue;
                JsonNode t = e.getValue();
                String dtype = t.path("dtype").asText();
                if (!dtype.equals("F32") && !dtype.equals("F16") && !dtype.equals("BF16")) {
                    throw HarnessException.unsupportedModel(file.getFileName() + ": tensor " + e.getKey() + " is " + dtype
                            + "; convert reads F32, F16 and BF16 weights");
                }
                long[] shape = new long[t.path("shape").size()];
                for (int i = 0; i < shape.length; i++) shape[i] = t.path("shape").get(i).asLong();
                long begin = t.path("data_offsets").get(0).asLong();
                long end = t.path("data_offsets").get(1).asLong();
                long elements = 1;
                for (long d : shape) elements *= d;
                if (end - begin != elements * (dtype.equals("F32") ? 4 : 2) || dataStart + end > size) {
                    throw HarnessException.badData(file.getFileName() + ": tensor " + e.getKey() + " has a bad byte range");
                }
                tensors.put(e.getKey(), new Tensor(e.getKey(), dtype, shape, all.asSlice(dataStart + begin, end - begin)));
            }
        }
    }

    Map<String, Tensor> tensors() {
        return tensors;
    }

    Tensor get(String name) {
        return tensors.get(name);
    }

    /** The dtype most of the parameters are stored in. */
    String majorityDtype() {
        Map<String, Long> by = new LinkedHashMap<>();
        for (Tensor t : tensors.values()) by.merge(t.dtype(), t.elements(), Long::sum);
        return by.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse("F32");
    }

    @Override
    public void close() {
        arena.close();
    }
}
