package org.meltharness.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.meltharness.HarnessException;

/** Names in a shard index (someone else's file) resolve inside the model folder or are refused in one line. */
class WeightFilesTest {
    @Test
    void namesInsideTheFolderResolve() {
        Path dir = Path.of("./models/m");
        assertEquals(dir.resolve("model-00001-of-00002.safetensors"), WeightFiles.shard(dir, "model-00001-of-00002.safetensors"));
        assertEquals(dir.resolve("shards/a.safetensors"), WeightFiles.shard(dir, "shards/a.safetensors"));
        assertEquals(dir.resolve("a.safetensors").normalize(), WeightFiles.shard(dir, "./a.safetensors").normalize());
    }

    @Test
    void namesLeadingOutsideAreRefused() {
        Path dir = Path.of("/data/models/m");
        for (String bad : List.of("../x.safetensors", "/etc/passwd", "a/../../x.safetensors", "..", ".", "", "a\0b", "sub/../..")) {
            var e = assertThrows(HarnessException.class, () -> WeightFiles.shard(dir, bad), bad);
            assertEquals(HarnessException.BAD_DATA, e.exitCode());
            assertEquals("/data/models/m/model.safetensors.index.json names a weight file outside the model folder: " + bad, e.getMessage());
        }
    }
}
