package org.meltharness.runtime.jlama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.model.ModelSupport;
import com.github.tjake.jlama.safetensors.DType;
import com.github.tjake.jlama.safetensors.SafeTensorSupport;
import com.github.tjake.jlama.tensor.KvBufferCache;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.model.SafetensorsHeader;
import org.meltharness.HarnessException;
import org.meltharness.runtime.LoglikelihoodRequest;
import org.meltharness.runtime.ModelInfo;

/** f32, bf16, q4 and q8 on Jlama 0.8.4, as stored and converted. */
class QuantizationTest {
    private static final List<LoglikelihoodRequest> REQUESTS = List.of(
            new LoglikelihoodRequest("Once upon a time, there was a little", " girl"),
            new LoglikelihoodRequest("Lily and Tom went to the park. They saw", " a big dog."),
            new LoglikelihoodRequest("", "The sun was shining."));
    private static double[] f32;

    @BeforeAll
    static void reference() {
        try (JlamaRuntime rt = TestModels.open(TestModels.pad192(), "f32", null)) {
            f32 = scores(rt);
            assertEquals("f32", rt.info().weightDtype());
            assertEquals(1_121_792 - 8 - headerLength(TestModels.pad192()), rt.info().weightBytes());
        }
    }

    @Test
    void q4IsQuantisedOnceIntoTheCacheAndDiffersButStaysFinite(@TempDir Path cache) throws Exception {
        Path folder;
        FileTime written;
        try (JlamaRuntime rt = TestModels.open(TestModels.pad192(), "q4", cache)) {
            ModelInfo info = rt.info();
            assertEquals("q4", info.weightDtype());
            folder = Path.of((String) info.details().get("weightsFolder"));
            assertTrue(folder.getFileName().toString().matches("[0-9a-f]{16}-q4"), folder.toString());
            assertEquals(cache.resolve("jlama"), folder.getParent());
            assertEquals("i8", info.details().get("activationsRequested"));
            // Jlama falls back to F32 activations: 64 / 32 blocks is not a multiple of 8 lanes.
            assertEquals("f32", info.details().get("activations"));
            assertTrue(info.weightBytes() < 400_000, "Q4 weights are smaller: " + info.weightBytes());
            assertEquals(260_032 + 5 * 3 * 20 * 64, info.parameters(), "as stored: gate, up and down padded by 20");
            double[] q4 = scores(rt);
            boolean differs = false;
            for (int i = 0; i < q4.length; i++) {
                assertTrue(Double.isFinite(q4[i]));
                assertEquals(f32[i], q4[i], Math.max(1.0, 0.3 * Math.abs(f32[i])), "near f32");
                differs |= Math.abs(q4[i] - f32[i]) > 1e-4;
            }
            assertTrue(differs, "q4 log-probs equal f32's: was the model quantised?");
            written = Files.getLastModifiedTime(folder.resolve("model.safetensors"));
        }
        try (JlamaRuntime again = TestModels.open(TestModels.pad192(), "q4", cache)) {
            assertEquals(folder.toString(), again.info().details().get("weightsFolder"));
            assertEquals(written, Files.getLastModifiedTime(folder.resolve("model.safetensors")), "reused");
        }
        try (Stream<Path> s = Files.list(cache.resolve("jlama"))) {
            assertEquals(List.of(folder), s.toList(), "no temporary folders left");
        }
    }

    @Test
    void q4WithF32ActivationsOnRequest(@TempDir Path cache) {
        var config = TestModels.config(TestModels.pad192(), "q4", cache, Map.of("activations", "f32"));
        try (var rt = new JlamaRuntimeProvider().open(config)) {
            assertEquals("f32", rt.info().details().get("activationsRequested"));
            assertEquals("f32", rt.info().details().get("activations"));
        }
    }

    @Test
    void bf16NarrowsAnF32ModelWhileLoading() {
        try (JlamaRuntime rt = TestModels.open(TestModels.pad192(), "bf16", null)) {
            assertEquals("bf16", rt.info().weightDtype());
            assertEquals("f32", rt.info().details().get("activations"));
            assertTrue(rt.info().weightBytes() < 1_000_000, "narrowed: " + rt.info().weightBytes());
            assertCloseButNotEqual(f32, scores(rt), 0.05);
        }
    }

    @Test
    void aBf16ModelRunsAsStoredByDefaultAndWidensIntoTheCacheForF32(@TempDir Path tmp) {
        Path model = TestModels.bf16Copy(tmp.resolve("bf16"));
        double[] asStored;
        try (JlamaRuntime rt = TestModels.open(model, null, tmp.resolve("cache"))) {
            assertEquals("bf16", rt.info().weightDtype());
            assertEquals(model.toString(), rt.info().details().get("weightsFolder"));
            // Jlama multiplies BF16 weights by BF16 activations when the model is stored BF16.
            assertEquals("bf16", rt.info().details().get("activations"));
            assertEquals(rt.info().parameters() * 2, rt.info().weightBytes());
            asStored = scores(rt);
            assertCloseButNotEqual(f32, asStored, 0.05);
        }
        try (JlamaRuntime rt = TestModels.open(model, "f32", tmp.resolve("cache"))) {
            assertEquals("f32", rt.info().weightDtype());
            assertTrue(((String) rt.info().details().get("weightsFolder")).endsWith("-f32"));
            assertEquals(rt.info().parameters() * 4, rt.info().weightBytes());
            // Widened BF16 weights: the same numbers as BF16, up to activation rounding.
            assertCloseButNotEqual(f32, scores(rt), 0.05);
            for (int i = 0; i < asStored.length; i++) assertEquals(asStored[i], scores(rt)[i], 0.05);
        }
    }

    @Test
    void q8IsRefusedBecauseJlamaCannotMultiplyI8Weights(@TempDir Path tmp) throws Exception {
        HarnessException e = assertThrows(HarnessException.class,
                () -> TestModels.open(TestModels.pad192(), "q8", tmp));
        assertEquals(HarnessException.UNSUPPORTED_MODEL, e.exitCode());
        assertTrue(e.getMessage().startsWith("jlama 0.8.4 cannot run Q8 weights: "), e.getMessage());
        assertTrue(e.getMessage().endsWith("use --quant q4, or --runtime llamacpp"), e.getMessage());

        // The reason, pinned: Jlama quantises to I8 but has no matrix product for I8 weights.
        Path staging = TestModels.copy(TestModels.pad192(), tmp.resolve("src"), c -> {});
        Path q8 = SafeTensorSupport.quantizeModel(staging, DType.I8, null, null, Optional.of(tmp.resolve("q8")));
        assertEquals("I8", ModelFolder.open(q8).storedDtype());
        AbstractModel model = ModelSupport.loadModel(q8.toFile(), DType.F32, DType.I8);
        try (KvBufferCache.KvBuffer kv = new KvBufferCache(model).getEphemeralKvBuffer()) {
            RuntimeException thrown = assertThrows(RuntimeException.class,
                    () -> model.batchForward(new int[] {1}, 0, kv));
            assertTrue(WeightCache.rootCause(thrown) instanceof UnsupportedOperationException, thrown.toString());
        }
        // And a folder of I8 weights given directly is refused the same way.
        HarnessException direct = assertThrows(HarnessException.class, () -> TestModels.open(q8, null, tmp));
        assertEquals(HarnessException.UNSUPPORTED_MODEL, direct.exitCode());
    }

    private static double[] scores(JlamaRuntime rt) {
        return rt.loglikelihood(REQUESTS).stream().mapToDouble(r -> r.logLikelihood()).toArray();
    }

    private static void assertCloseButNotEqual(double[] expected, double[] got, double tolerance) {
        boolean differs = false;
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], got[i], tolerance, "request " + i);
            differs |= expected[i] != got[i];
        }
        assertTrue(differs, "identical to f32: was the model converted?");
    }

    private static long headerLength(Path model) {
        return SafetensorsHeader.read(model.resolve("model.safetensors")).dataStart() - 8;
    }
}
