package org.meltharness.runtime.llamacpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

/** Header values that would make llama.cpp abort the process are refused in Java first. */
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
}
