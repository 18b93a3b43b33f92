package org.meltharness.runtime.jlama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import jdk.incubator.vector.FloatVector;
import org.meltharness.runtime.JvmRestart;

/**
 * The widest float vectors Jlama can run a model's shapes with, and the JVM option that gives them.
 *
 * <p>Jlama 0.8.4 steps through rows a whole vector at a time with no tail loop, and takes the vector
 * width from the JVM ({@code FloatVector.SPECIES_PREFERRED}, fixed when the JVM starts and narrowed
 * only by {@code -XX:MaxVectorSize}). So a model whose head_dim is 8 (stories260K) cannot run on
 * AVX-512's 16-float vectors, while a 7B model must not lose them: the width is chosen per model,
 * the widest that divides every length Jlama reduces over, and the harness restarts its JVM with
 * {@code -XX:MaxVectorSize} only when that is narrower than what the JVM has.
 */
final class VectorWidth {
    /** Jlama's MLP refuses lengths that are not multiples of 8 whatever the vector width (PanamaTensorOperations.maccumulate). */
    static final int MIN_MULTIPLE = 8;
    private static final ObjectMapper JSON = new ObjectMapper();

    private VectorWidth() {}

    /** The lengths Jlama reduces over in whole vectors, from config.json. */
    record Shape(int hidden, int intermediate, int heads, int headDim) {
        static Optional<Shape> of(Path modelDir) {
            try {
                JsonNode c = JSON.readTree(modelDir.resolve("config.json").toFile());
                int hidden = c.path("hidden_size").asInt(0);
                int heads = c.path("num_attention_heads").asInt(0);
                int intermediate = c.path("intermediate_size").asInt(0);
                if (hidden <= 0 || heads <= 0 || intermediate <= 0) return Optional.empty();
                int headDim = c.path("head_dim").asInt(hidden / heads);
                return Optional.of(new Shape(hidden, intermediate, heads, headDim));
            } catch (IOException | RuntimeException e) {
                return Optional.empty(); // opening the model says what is wrong with it
            }
        }

        private boolean fits(int lanes) {
            int m = Math.max(MIN_MULTIPLE, lanes);
            return List.of(hidden, intermediate, heads * headDim, headDim).stream().allMatch(n -> n % m == 0);
        }
    }

    /**
     * The widest vector, in floats, at most {@code hardwareLanes} and at least 4 (128 bits, NEON),
     * whose width Jlama can run {@code shape} with; empty when none can (the shape must be padded).
     */
    static OptionalInt widestLanes(Shape shape, int hardwareLanes) {
        for (int lanes = hardwareLanes; lanes >= 4; lanes /= 2) {
            if (shape.fits(lanes)) return OptionalInt.of(lanes);
        }
        return OptionalInt.empty();
    }

    /** Floats per vector in this JVM, as Jlama will use them. */
    static int currentLanes() {
        return FloatVector.SPECIES_PREFERRED.length();
    }

    /** The restart that gives {@code modelDir} the widest vectors it allows, if this JVM's are too wide for it. */
    static Optional<JvmRestart> restartFor(Path modelDir) {
        int now = currentLanes();
        return Shape.of(modelDir).flatMap(shape -> {
            OptionalInt best = widestLanes(shape, now);
            if (best.isEmpty() || best.getAsInt() >= now) return Optional.empty();
            int lanes = best.getAsInt();
            return Optional.of(new JvmRestart(List.of("-XX:MaxVectorSize=" + lanes * Float.BYTES),
                    "jlama runs " + modelDir.getFileName() + " (head_dim " + shape.headDim() + ", hidden " + shape.hidden()
                            + ", intermediate " + shape.intermediate() + ") in " + lanes + "-float vectors; this JVM's are "
                            + now + " floats wide"));
        });
    }
}
