package org.meltharness.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Byte-level edits of a GGUF file for bad-input tests: a renamed architecture, a changed tensor type. */
final class GgufBytes {
    private GgufBytes() {}

    /** Copies {@code from} to {@code to} with the first occurrence of {@code find} replaced by {@code replace} (same length). */
    static Path replace(Path from, Path to, String find, String replace) throws IOException {
        byte[] b = Files.readAllBytes(from);
        byte[] f = find.getBytes(StandardCharsets.UTF_8);
        byte[] r = replace.getBytes(StandardCharsets.UTF_8);
        if (f.length != r.length) throw new IllegalArgumentException("same length only");
        int at = indexOf(b, f, 0);
        System.arraycopy(r, 0, b, at, r.length);
        Files.write(to, b);
        return to;
    }

    /** Copies {@code from} to {@code to} with the ggml type id of tensor {@code name} set to {@code type}. */
    static Path tensorType(Path from, Path to, String name, int type) throws IOException {
        byte[] b = Files.readAllBytes(from);
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        // A tensor entry: u64 name length, name, u32 n_dims, n_dims x u64, u32 type, u64 offset.
        int at = indexOf(b, n, 0);
        while (ByteBuffer.wrap(b, at - 8, 8).order(ByteOrder.LITTLE_ENDIAN).getLong() != n.length
                || b[at + n.length] > 4 || b[at + n.length] < 1) {
            at = indexOf(b, n, at + 1);
        }
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int dims = buf.getInt(at + n.length);
        buf.putInt(at + n.length + 4 + 8 * dims, type);
        Files.write(to, b);
        return to;
    }

    static Path truncate(Path from, Path to, long bytes) throws IOException {
        byte[] b = Files.readAllBytes(from);
        Files.write(to, java.util.Arrays.copyOf(b, (int) bytes));
        return to;
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        throw new IllegalArgumentException("not found");
    }
}
