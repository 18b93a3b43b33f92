package org.meltharness.runtime.djl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.meltharness.HarnessException;
import org.meltharness.model.SafetensorsHeader;

/**
 * The safetensors weights of a model folder: {@code model.safetensors}, or the shards that
 * {@code model.safetensors.index.json} lists. Headers are checked against file lengths when the
 * folder is opened (harness-core's {@link SafetensorsHeader}), so a missing shard or a truncated
 * file fails in one line before any loading.
 * Tensors are read as float32: F16 and BF16 are widened exactly, F64 narrowed.
 *
 * @param tensors every tensor by name, in file and then header order
 */
record Safetensors(Path dir, List<Path> files, Map<String, Tensor> tensors) {
    static final String SINGLE = "model.safetensors";
    static final String INDEX = "model.safetensors.index.json";
    /** The stored dtypes read (and widened or narrowed to float32). */
    static final List<String> DTYPES = List.of("F32", "F16", "BF16", "F64");

    private static final ObjectMapper JSON = new ObjectMapper();

    Safetensors {
        files = List.copyOf(files);
        tensors = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    /**
     * One tensor's entry.
     *
     * @param offset the file offset of its first byte
     */
    record Tensor(String name, Path file, String dtype, long[] shape, long offset, long bytes) {
        long elements() {
            long n = 1;
            for (long d : shape) n *= d;
            return n;
        }

        String shapeText() {
            return Arrays.toString(shape);
        }
    }

    static Safetensors open(Path dir) {
        List<Path> files = weightFiles(dir);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Path f : files) {
            for (Tensor t : readHeader(f)) {
                if (tensors.putIfAbsent(t.name(), t) != null) {
                    throw HarnessException.badData("tensor " + t.name() + " is stored twice in " + dir);
                }
            }
        }
        return new Safetensors(dir, files, tensors);
    }

    /** The dtype most tensors are stored in, as safetensors writes it (F32, BF16, ...). */
    String storedDtype() {
        Map<String, Long> counts = new java.util.HashMap<>();
        for (Tensor t : tensors.values()) counts.merge(t.dtype(), t.elements(), Long::sum);
        return counts.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse("F32");
    }

    /**
     * Reads a tensor's rows {@code [fromRow, toRow)} (along its first dimension) as little-endian
     * float32 into {@code out} at its position.
     */
    void readRows(Tensor t, long fromRow, long toRow, ByteBuffer out) {
        int width = SafetensorsHeader.elementBytes(t.dtype());
        if (!DTYPES.contains(t.dtype())) {
            throw HarnessException.unsupportedModel("djl reads " + String.join(", ", DTYPES) + " weights; tensor "
                    + t.name() + " in " + t.file().getFileName() + " is " + t.dtype()
                    + " (a quantised checkpoint: run it on the runtime that wrote it)");
        }
        long rowElements = t.shape().length == 0 ? 1 : t.elements() / Math.max(1, t.shape()[0]);
        long start = t.offset() + fromRow * rowElements * width;
        long count = (toRow - fromRow) * rowElements;
        try (FileChannel ch = FileChannel.open(t.file(), StandardOpenOption.READ)) {
            ByteBuffer src = ch.map(FileChannel.MapMode.READ_ONLY, start, count * width).order(ByteOrder.LITTLE_ENDIAN);
            FloatBuffer dst = out.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            switch (t.dtype()) {
                case "F32" -> dst.put(src.asFloatBuffer());
                case "BF16" -> {
                    for (long i = 0; i < count; i++) dst.put(Float.intBitsToFloat((src.getShort() & 0xffff) << 16));
                }
                case "F16" -> {
                    for (long i = 0; i < count; i++) dst.put(Float.float16ToFloat(src.getShort()));
                }
                case "F64" -> {
                    for (long i = 0; i < count; i++) dst.put((float) src.getDouble());
                }
                default -> throw new IllegalStateException(t.dtype());
            }
            out.position(out.position() + (int) (count * 4));
        } catch (IOException e) {
            throw HarnessException.badData("cannot read " + t.file() + ": " + Errors.firstLine(e), e);
        }
    }

    private static List<Path> weightFiles(Path dir) {
        Path index = dir.resolve(INDEX);
        if (Files.isRegularFile(index)) {
            TreeSet<String> names = new TreeSet<>();
            try {
                JsonNode map = JSON.readTree(index.toFile()).path("weight_map");
                Iterator<JsonNode> it = map.elements();
                while (it.hasNext()) names.add(it.next().asText());
            } catch (IOException e) {
                throw HarnessException.badData("cannot parse " + index + ": " + Errors.firstLine(e), e);
            }
            if (names.isEmpty()) throw HarnessException.badData(index + " has an empty weight_map");
            names.forEach(n -> org.meltharness.model.WeightFiles.shard(dir, n)); // refuses names outside dir
            List<String> missing = names.stream().filter(n -> !Files.isRegularFile(dir.resolve(n))).toList();
            if (!missing.isEmpty()) {
                throw HarnessException.badData(index + " lists " + names.size() + " shards but " + missing.size()
                        + " are missing: " + String.join(", ", missing));
            }
            return names.stream().map(dir::resolve).toList();
        }
        if (Files.isRegularFile(dir.resolve(SINGLE))) return List.of(dir.resolve(SINGLE));
        List<String> others;
        try (Stream<Path> s = Files.list(dir)) {
            others = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".safetensors")).sorted().toList();
        } catch (IOException e) {
            throw HarnessException.badData("cannot list " + dir + ": " + Errors.firstLine(e), e);
        }
        if (!others.isEmpty()) {
            throw HarnessException.badData("djl loads " + SINGLE + " or the shards " + INDEX + " lists; " + dir
                    + " has only " + String.join(", ", others));
        }
        throw HarnessException.badData("no *.safetensors weights in " + dir
                + " (djl runs Hugging Face safetensors folders; for GGUF use --runtime llamacpp; for a shape without "
                + "weights use --weights random)");
    }

    private static List<Tensor> readHeader(Path file) {
        SafetensorsHeader h = SafetensorsHeader.read(file);
        return h.tensors().values().stream()
                .map(t -> new Tensor(t.name(), file, t.dtype(), t.shape(), t.offset(h.dataStart()), t.bytes()))
                .toList();
    }
}
