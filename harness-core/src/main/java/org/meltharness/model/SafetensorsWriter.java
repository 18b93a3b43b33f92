package org.meltharness.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes a safetensors file tensor by tensor, so that no whole model has to fit in memory. */
public final class SafetensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SafetensorsWriter() {}

    /** A tensor to write: its header entry and a source of exactly {@code bytes} bytes. */
    public record Entry(String name, String dtype, long[] shape, long bytes, Data data) {}

    /** Writes a tensor's bytes. */
    @FunctionalInterface
    public interface Data {
        void writeTo(WritableByteChannel out) throws IOException;
    }

    public static void write(Path file, List<Entry> entries) {
        Map<String, Object> header = new LinkedHashMap<>();
        long offset = 0;
        for (Entry e : entries) {
            header.put(e.name(), Map.of("dtype", e.dtype(), "shape", e.shape(), "data_offsets",
                    new long[] {offset, offset + e.bytes()}));
            offset += e.bytes();
        }
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] json = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
            // The format pads the header with spaces so that tensor data starts 8-byte aligned.
            int padded = (json.length + 7) / 8 * 8;
            ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(padded).put(json);
            while (head.hasRemaining()) head.put((byte) ' ');
            writeFully(out, head.flip());
            for (Entry e : entries) {
                long before = out.position();
                e.data().writeTo(out);
                if (out.position() - before != e.bytes()) {
                    throw new IllegalStateException("tensor " + e.name() + " wrote " + (out.position() - before)
                            + " bytes, not " + e.bytes());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    public static void writeFully(WritableByteChannel out, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) out.write(buf);
    }
}
