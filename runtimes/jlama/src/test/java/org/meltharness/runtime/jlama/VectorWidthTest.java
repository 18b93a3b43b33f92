package org.meltharness.runtime.jlama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.meltharness.SharedFiles;

/**
 * The vector width Jlama gets per model, pinned for the lane counts of NEON (4 floats), AVX2 (8) and
 * AVX-512 (16), on the real shapes in ../shared/models: a model keeps the widest vectors its shapes
 * allow, and only a model whose head_dim is 8 is narrowed on AVX-512.
 */
class VectorWidthTest {
    private static VectorWidth.Shape shape(String dir) {
        Path p = SharedFiles.root().resolve("models").resolve(dir);
        return VectorWidth.Shape.of(p).orElseThrow();
    }

    @Test
    void stories260kPaddedRunsInEightFloatVectorsOnAvx512AndAsIsElsewhere() {
        VectorWidth.Shape s = shape("stories260K/hf-pad192");
        assertEquals(new VectorWidth.Shape(64, 192, 8, 8), s);
        assertEquals(OptionalInt.of(8), VectorWidth.widestLanes(s, 16), "AVX-512: narrowed, head_dim 8");
        assertEquals(OptionalInt.of(8), VectorWidth.widestLanes(s, 8), "AVX2: as the JVM has it");
        assertEquals(OptionalInt.of(4), VectorWidth.widestLanes(s, 4), "NEON: as the JVM has it");
    }

    @Test
    void biggerShapesKeepTheWidestVectors() {
        for (String dir : new String[] {"shapes/smollm2-135m", "shapes/stories15m"}) {
            VectorWidth.Shape s = shape(dir);
            assertEquals(OptionalInt.of(16), VectorWidth.widestLanes(s, 16), dir);
            assertEquals(OptionalInt.of(8), VectorWidth.widestLanes(s, 8), dir);
            assertEquals(OptionalInt.of(4), VectorWidth.widestLanes(s, 4), dir);
        }
        assertEquals(48, shape("shapes/stories15m").headDim(), "288 hidden over 6 heads");
    }

    @Test
    void anUnpaddedMlpRunsAtNoWidth() {
        // intermediate 172 is no multiple of 8: Jlama's MLP refuses it at every width; loading says so.
        VectorWidth.Shape s = shape("stories260K/hf");
        for (int lanes : new int[] {16, 8, 4}) assertTrue(VectorWidth.widestLanes(s, lanes).isEmpty(), "lanes " + lanes);
    }

    @Test
    void theRestartAsksForExactlyTheNarrowerWidth() {
        // On this JVM: a restart only where its vectors are wider than the model allows.
        var restart = VectorWidth.restartFor(SharedFiles.root().resolve("models/stories260K/hf-pad192"));
        if (VectorWidth.currentLanes() > 8) {
            assertEquals(java.util.List.of("-XX:MaxVectorSize=32"), restart.orElseThrow().options());
        } else {
            assertTrue(restart.isEmpty(), "this JVM's " + VectorWidth.currentLanes() + "-float vectors fit head_dim 8");
        }
        assertTrue(VectorWidth.restartFor(SharedFiles.root().resolve("models/shapes/smollm2-135m")).isEmpty());
    }
}
