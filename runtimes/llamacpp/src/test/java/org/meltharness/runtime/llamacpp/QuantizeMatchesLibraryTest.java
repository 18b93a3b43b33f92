package org.meltharness.runtime.llamacpp;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.SharedFiles;

/**
 * {@code harness quantize} writes the tensors llama.cpp 0.5.0's own {@code llama_model_quantize}
 * writes (the library exports it now): the same type for every tensor, byte for byte, for the
 * plain, K-quant and pure schemes on stories260K (whose rows of 64 and 192 also exercise the
 * fallbacks: Q2_K and Q3_K fall back to Q4_0 in this release, to IQ4_NL in b4916). The harness
 * keeps its own path for what it adds: the recipe and fallbacks in {@code melt.quantize.*}, and
 * one-line refusals.
 */
class QuantizeMatchesLibraryTest {
    @TempDir
    Path dir;

    /** {@code llama_model_quantize} with llama.cpp's defaults, {@code ftype} and {@code pure}. */
    private static void libraryQuantize(LlamaCpp lib, Path in, Path out, Quantization scheme, boolean pure) throws Throwable {
        var s = Layouts.QUANTIZE_PARAMS;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment defaults = (MemorySegment) lib.quantizeDefaultParams.invokeExact((SegmentAllocator) arena);
            MemorySegment p = arena.allocate(s);
            p.copyFrom(defaults.asSlice(0, s.byteSize()));
            p.set(JAVA_INT, Layouts.offset(s, "nthread"), 2);
            p.set(JAVA_INT, Layouts.offset(s, "ftype"), scheme.fileType);
            p.set(JAVA_BYTE, Layouts.offset(s, "pure"), (byte) (pure ? 1 : 0));
            int rc = (int) lib.modelQuantize.invokeExact(arena.allocateFrom(in.toString()), arena.allocateFrom(out.toString()), p);
            assertEquals(0, rc, "llama_model_quantize " + scheme);
        }
    }

    @Test
    void everySchemeWritesTheLibrarysOwnTensors() throws Throwable {
        LlamaCpp lib = TestModels.lib();
        Path f32 = dir.resolve("pad192-f32.gguf");
        HfConverter.convert(lib, SharedFiles.stories260kPad192(), f32, GgmlType.F32);
        record Case(Quantization scheme, boolean pure) {}
        List<Case> cases = List.of(new Case(Quantization.Q8_0, false), new Case(Quantization.Q4_0, false),
                new Case(Quantization.Q4_K_M, false), new Case(Quantization.Q5_K_S, false),
                new Case(Quantization.Q6_K, false), new Case(Quantization.Q3_K_M, false), new Case(Quantization.Q2_K, false),
                new Case(Quantization.Q4_0, true), new Case(Quantization.Q8_0, true), new Case(Quantization.Q4_K_M, true));
        for (Case c : cases) {
            String name = c.scheme().label() + (c.pure() ? "-pure" : "");
            Path ours = dir.resolve("ours-" + name + ".gguf");
            Path theirs = dir.resolve("library-" + name + ".gguf");
            Quantizer.quantize(lib, f32, ours, c.scheme(), c.pure(), 2);
            libraryQuantize(lib, f32, theirs, c.scheme(), c.pure());
            GgufCompare.assertSameTensors(theirs, ours);
        }
    }
}
