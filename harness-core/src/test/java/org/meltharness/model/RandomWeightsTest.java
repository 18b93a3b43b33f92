package org.meltharness.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.HarnessException;
import org.meltharness.SharedFiles;
import org.meltharness.io.Hashing;

class RandomWeightsTest {
    @TempDir
    Path cache;

    private static long parameters(Path shape) throws Exception {
        return RandomWeights.layout(new ObjectMapper().readTree(shape.resolve("config.json").toFile()), shape).stream()
                .mapToLong(RandomWeights.Tensor::elements).sum();
    }

    @Test
    void layoutsHaveThePublishedParameterCounts() throws Exception {
        Path shapes = SharedFiles.root().resolve("models/shapes");
        assertEquals(15_191_712, parameters(shapes.resolve("stories15m")), "shapes README");
        assertEquals(134_515_008, parameters(shapes.resolve("smollm2-135m")));
        assertEquals(260_032, parameters(SharedFiles.stories260k()), "stories260K README");
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherBytesAndReused() throws Exception {
        Path shape = SharedFiles.stories260k();
        Path a = RandomWeights.materialize(shape, 7, cache);
        assertTrue(Files.isRegularFile(a.resolve("tokenizer.json")));
        String sha = Hashing.sha256(a.resolve("model.safetensors"));
        long written = Files.getLastModifiedTime(a.resolve("model.safetensors")).toMillis();
        Path again = RandomWeights.materialize(shape, 7, cache);
        assertEquals(a, again);
        assertEquals(written, Files.getLastModifiedTime(again.resolve("model.safetensors")).toMillis(), "reused, not rewritten");
        Path other = cache.resolve("other");
        assertEquals(sha, Hashing.sha256(RandomWeights.materialize(shape, 7, other).resolve("model.safetensors")));
        assertNotEquals(sha, Hashing.sha256(RandomWeights.materialize(shape, 8, cache).resolve("model.safetensors")));
        assertEquals(260_032 * 4L, Files.size(a.resolve("model.safetensors")) - headerBytes(a.resolve("model.safetensors")));
    }

    @Test
    void refusesWhatItCannotLayOut(@TempDir Path shape) throws Exception {
        var none = assertThrows(HarnessException.class, () -> RandomWeights.materialize(shape, 1, cache));
        assertTrue(none.getMessage().contains("needs a folder with config.json"), none.getMessage());
        Files.writeString(shape.resolve("config.json"), "{\"model_type\": \"bert\"}");
        var bert = assertThrows(HarnessException.class, () -> RandomWeights.materialize(shape, 1, cache));
        assertEquals(HarnessException.UNSUPPORTED_MODEL, bert.exitCode());
    }

    private static long headerBytes(Path file) throws Exception {
        try (var in = Files.newInputStream(file)) {
            byte[] b = in.readNBytes(8);
            return 8 + java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        }
    }
}
