package org.meltharness.runtime.llamacpp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Tensor-by-tensor comparison of two GGUF files. */
final class GgufCompare {
    private GgufCompare() {}

    static ByteBuffer data(GgufFile g, GgufFile.Tensor t) {
        try (FileChannel ch = FileChannel.open(g.path(), StandardOpenOption.READ)) {
            return ch.map(FileChannel.MapMode.READ_ONLY, g.dataStart() + t.offset(), t.bytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every tensor of {@code expected} is in {@code actual} with the same type, shape and bytes, and no other. */
    static void assertSameTensors(Path expected, Path actual) {
        GgufFile e = GgufFile.read(expected);
        GgufFile a = GgufFile.read(actual);
        assertEquals(e.tensors().size(), a.tensors().size(), "tensor count");
        for (GgufFile.Tensor te : e.tensors()) {
            GgufFile.Tensor ta = a.tensor(te.name());
            assertNotNull(ta, te.name());
            assertEquals(te.type(), ta.type(), te.name());
            assertArrayEquals(te.shape(), ta.shape(), te.name());
            assertEquals(data(e, te), data(a, ta), te.name() + " bytes differ");
        }
    }
}
