package org.meltharness.runtime.llamacpp;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import org.junit.jupiter.api.Test;
import org.meltharness.HarnessException;

/**
 * The start-up check refuses any build but the one the struct layouts were written for, in one
 * line: another version, a struct of another size, another default. The loaded pinned build passes
 * it (every other test of the module loads it), and these show each refusal on hand-made inputs.
 */
class BuildCheckTest {
    private static String refused(Runnable r) {
        HarnessException e = assertThrows(HarnessException.class, r::run);
        assertEquals(HarnessException.UNSUPPORTED_MODEL, e.exitCode());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void onlyThisReleaseIsAccepted() {
        assertDoesNotThrow(() -> BuildCheck.checkVersion("0.5.0", "/x"));
        assertDoesNotThrow(() -> BuildCheck.checkVersion("0.5.0-dev", "/x"));
        assertEquals("the llama.cpp library in /opt/llama is version 0.4.2, but these bindings are for 0.5.0 (its structs "
                + "differ between releases); build llama.cpp v0.5.0 or leave out --llama-cpp for the pinned build",
                refused(() -> BuildCheck.checkVersion("0.4.2", "/opt/llama")));
        assertTrue(refused(() -> BuildCheck.checkVersion(null, "/opt/b4916")).contains("has no llama_version()"));
        assertTrue(refused(() -> BuildCheck.checkGgmlVersion("0.9.4", "/x")).contains("ggml library in /x is version 0.9.4"));
    }

    @Test
    void theLoadedBuildIsTheOneTheLayoutsDescribe() {
        BuildInfo info = TestModels.lib().info();
        assertTrue(BuildCheck.VERSIONS.contains(info.version()), info.version());
        assertEquals(BuildCheck.GGML_VERSION, info.ggmlVersion());
        assertEquals(80, Layouts.MODEL_PARAMS.byteSize());
        assertEquals(160, Layouts.CONTEXT_PARAMS.byteSize());
        assertEquals(64, Layouts.QUANTIZE_PARAMS.byteSize());
        assertEquals(56, Layouts.BATCH.byteSize());
    }

    /** A struct as a library would return it: {@code written} bytes set (to 0), the rest still the fill. */
    private static MemorySegment returned(Arena arena, StructLayout s, byte fill, long written) {
        MemorySegment m = (MemorySegment) BuildCheck.guardAllocator(arena, fill).allocate(s.byteSize() + BuildCheck.GUARD);
        m.asSlice(0, written).fill((byte) 0);
        return m;
    }

    @Test
    void aStructOfAnotherSizeIsRefused() {
        StructLayout s = Layouts.MODEL_PARAMS;
        long n = s.byteSize();
        try (Arena arena = Arena.ofConfined()) {
            assertDoesNotThrow(() -> BuildCheck.checkGuard("llama_model_default_params",
                    returned(arena, s, BuildCheck.FILL_A, n), returned(arena, s, BuildCheck.FILL_B, n), s));
            // A library whose struct is 8 bytes longer writes into the guard area.
            assertEquals("the llama.cpp library does not match the llama.cpp 0.5.0 bindings: llama_model_default_params wrote "
                    + "beyond the 80 bytes of llama_model_params; refusing to call it",
                    refused(() -> BuildCheck.checkGuard("llama_model_default_params", returned(arena, s,
                            BuildCheck.FILL_A, n + 8), returned(arena, s, BuildCheck.FILL_B, n + 8), s)));
            // One 8 bytes shorter leaves the end of ours unwritten.
            assertTrue(refused(() -> BuildCheck.checkGuard("llama_model_default_params", returned(arena, s,
                    BuildCheck.FILL_A, n - 8), returned(arena, s, BuildCheck.FILL_B, n - 8), s))
                    .contains("left 8 of the 80 bytes of llama_model_params unwritten"));
            // A written byte that happens to equal one fill (a pointer's) is not taken for an unwritten one.
            MemorySegment a = returned(arena, s, BuildCheck.FILL_A, n);
            a.set(JAVA_BYTE, 3, BuildCheck.FILL_A);
            assertDoesNotThrow(() -> BuildCheck.checkGuard("llama_model_default_params", a,
                    returned(arena, s, BuildCheck.FILL_B, n), s));
        }
    }

    @Test
    void anotherDefaultIsRefused() {
        StructLayout s = Layouts.CONTEXT_PARAMS;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocate(s);
            p.set(JAVA_INT, Layouts.offset(s, "n_ctx"), 4096);
            p.set(JAVA_BYTE, Layouts.offset(s, "kv_unified"), (byte) 1);
            assertTrue(refused(() -> BuildCheck.expect(s, p, "n_ctx", 512))
                    .contains("llama_context_params.n_ctx defaults to 4096, expected 512"));
            assertTrue(refused(() -> BuildCheck.expect(s, p, "kv_unified", 0))
                    .contains("llama_context_params.kv_unified defaults to 1, expected 0"));
        }
    }
}
