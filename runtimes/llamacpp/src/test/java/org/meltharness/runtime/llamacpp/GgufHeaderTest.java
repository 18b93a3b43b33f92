package org.meltharness.runtime.llamacpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.HarnessException;

/**
 * Header values that would make llama.cpp abort the process, read out of bounds, or the harness run
 * out of memory are refused in Java first, in one line (issue 17, item 6).
 */
class GgufHeaderTest {
    @TempDir
    Path dir;

    /** A GGUF v3 header with no tensors and one key {@code general.alignment} of the given type and value. */
    private Path withAlignment(int type, long value) throws IOException {
        byte[] key = "general.alignment".getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(64 + key.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("GGUF".getBytes(StandardCharsets.US_ASCII)).putInt(3).putLong(0).putLong(1);
        b.putLong(key.length).put(key).putInt(type);
        if (type == 10) b.putLong(value);
        else b.putInt((int) value);
        Path f = dir.resolve("a" + type + "-" + value + ".gguf");
        Files.write(f, java.util.Arrays.copyOf(b.array(), b.position()));
        return f;
    }

    @Test
    void alignmentMustBeAU32PowerOfTwo() throws IOException {
        assertEquals(64, GgufFile.read(withAlignment(GgufFile.TYPE_UINT32, 64)).alignment());
        // llama.cpp reads the key with gguf_get_val_u32, which asserts the type and aborts the JVM.
        HarnessException u64 = assertThrows(HarnessException.class, () -> GgufFile.read(withAlignment(10, 64)));
        assertTrue(u64.getMessage().contains("general.alignment is not a u32"), u64.getMessage());
        HarnessException odd = assertThrows(HarnessException.class, () -> GgufFile.read(withAlignment(GgufFile.TYPE_UINT32, 48)));
        assertTrue(odd.getMessage().contains("not a power of two"), odd.getMessage());
    }

    /** A GGUF v3 header with no tensors whose metadata the caller writes, as little-endian bytes. */
    private static ByteBuffer header(int entries) {
        ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        b.put("GGUF".getBytes(StandardCharsets.US_ASCII)).putInt(3).putLong(0).putLong(entries);
        return b;
    }

    private static void key(ByteBuffer b, String key) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        b.putLong(k.length).put(k);
    }

    private static void strings(ByteBuffer b, String key, String... values) {
        key(b, key);
        b.putInt(GgufFile.TYPE_ARRAY).putInt(GgufFile.TYPE_STRING).putLong(values.length);
        for (String v : values) key(b, v);
    }

    private static void floats(ByteBuffer b, String key, int n) {
        key(b, key);
        b.putInt(GgufFile.TYPE_ARRAY).putInt(GgufFile.TYPE_FLOAT32).putLong(n);
        for (int i = 0; i < n; i++) b.putFloat(-i);
    }

    private static void ints(ByteBuffer b, String key, int n) {
        key(b, key);
        b.putInt(GgufFile.TYPE_ARRAY).putInt(GgufFile.TYPE_INT32).putLong(n);
        for (int i = 0; i < n; i++) b.putInt(1);
    }

    private Path write(String name, ByteBuffer b) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, java.util.Arrays.copyOf(b.array(), b.position()));
        return f;
    }

    private static String refusal(Path f) {
        HarnessException e = assertThrows(HarnessException.class, () -> GgufFile.read(f));
        assertEquals(HarnessException.BAD_DATA, e.exitCode());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void vocabularyArraysMustHaveTheirTypeAndTheTokenListsLength() throws IOException {
        ByteBuffer ok = header(3);
        strings(ok, "tokenizer.ggml.tokens", "a", "b", "c");
        floats(ok, "tokenizer.ggml.scores", 3);
        ints(ok, "tokenizer.ggml.token_type", 3);
        GgufFile g = GgufFile.read(write("ok.gguf", ok));
        assertEquals(java.util.List.of(0.0, -1.0, -2.0), g.metadata().get("tokenizer.ggml.scores").value());
        assertEquals(java.util.List.of(1L, 1L, 1L), g.metadata().get("tokenizer.ggml.token_type").value());

        // Scores stored as i32, and token types as f32: b4916 read them as the other type.
        ByteBuffer intScores = header(2);
        strings(intScores, "tokenizer.ggml.tokens", "a", "b", "c");
        ints(intScores, "tokenizer.ggml.scores", 3);
        assertTrue(refusal(write("int-scores.gguf", intScores)).contains("tokenizer.ggml.scores is not an array of f32"));
        ByteBuffer floatTypes = header(2);
        strings(floatTypes, "tokenizer.ggml.tokens", "a", "b", "c");
        floats(floatTypes, "tokenizer.ggml.token_type", 3);
        assertTrue(refusal(write("float-types.gguf", floatTypes)).contains("token_type is not an array of i32"));
        // Shorter than the token list: read past its end by id.
        ByteBuffer shortScores = header(2);
        strings(shortScores, "tokenizer.ggml.tokens", "a", "b", "c");
        floats(shortScores, "tokenizer.ggml.scores", 2);
        assertTrue(refusal(write("short-scores.gguf", shortScores)).contains("tokenizer.ggml.scores has 2 entries for 3 tokens"));
        ByteBuffer shortTypes = header(2);
        strings(shortTypes, "tokenizer.ggml.tokens", "a", "b", "c");
        ints(shortTypes, "tokenizer.ggml.token_type", 1);
        assertTrue(refusal(write("short-types.gguf", shortTypes)).contains("token_type has 1 entries for 3 tokens"));
        ByteBuffer notStrings = header(1);
        ints(notStrings, "tokenizer.ggml.tokens", 3);
        assertTrue(refusal(write("int-tokens.gguf", notStrings)).contains("tokenizer.ggml.tokens is not an array of strings"));
    }

    /**
     * A count is bounded by the bytes left before anything is allocated, and by a ceiling no
     * vocabulary comes near: 1.5 billion one-byte elements in a (sparse) file that has the bytes
     * used to become 1.5 billion boxed values.
     */
    @Test
    void arrayCountsAreBoundedBeforeAnythingIsAllocated() throws IOException {
        ByteBuffer b = header(1);
        key(b, "general.huge");
        long n = 1_500_000_000L;
        b.putInt(GgufFile.TYPE_ARRAY).putInt(GgufFile.TYPE_UINT8).putLong(n);
        Path f = write("huge-array.gguf", b);
        try (var raf = new java.io.RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(b.position() + n + 64);
        }
        assertTrue(refusal(f).contains("general.huge has 1500000000 elements; the harness reads arrays of at most 16777216"));
        // More elements than the bytes left could hold.
        ByteBuffer c = header(1);
        key(c, "general.claims");
        c.putInt(GgufFile.TYPE_ARRAY).putInt(GgufFile.TYPE_INT32).putLong(1000).putInt(7);
        assertTrue(refusal(write("claims.gguf", c)).contains("an array general.claims of 1000 elements"));
    }

    /** A string length beyond an int is refused, not cast to a negative array size. */
    @Test
    void stringLengthsBeyondAnIntAreRefused() throws IOException {
        ByteBuffer b = header(1);
        key(b, "general.name");
        long n = 3_000_000_000L;
        b.putInt(GgufFile.TYPE_STRING).putLong(n);
        Path f = write("long-string.gguf", b);
        try (var raf = new java.io.RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(b.position() + n + 64);
        }
        assertTrue(refusal(f).contains("a string of 3000000000 bytes; the harness reads strings of at most"));
    }
}
