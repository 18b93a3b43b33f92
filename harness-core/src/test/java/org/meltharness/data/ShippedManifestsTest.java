package org.meltharness.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.meltharness.SharedFiles;
import org.meltharness.results.Hashing;

/** The checksums and sizes written in datasets/*.yaml are those of the real files. */
class ShippedManifestsTest {
    @Test
    void everyFilePresentInSharedMatchesItsManifest() throws Exception {
        int checked = 0;
        for (DatasetManifest m : DatasetCatalog.load().all()) {
            for (var e : m.files().entrySet()) {
                Path f = SharedFiles.datasets().resolve(e.getKey());
                if (!Files.isRegularFile(f)) continue;
                assertEquals(Files.size(f), e.getValue().bytes(), e.getKey());
                assertEquals(Hashing.sha256(f), e.getValue().sha256(), e.getKey());
                checked++;
            }
        }
        assertEquals(182, checked, "171 MMLU files, 6 ARC, 2 PIQA and one each of the rest");
    }

    @Test
    void everyTaskNamesASplitThatExists() {
        var datasets = DatasetCatalog.load();
        for (var t : org.meltharness.task.TaskCatalog.load(java.util.List.of()).tasks().values()) {
            var spec = t.spec();
            var configs = datasets.get(spec.datasetPath()).configs();
            var config = configs.get(spec.datasetName() == null ? "default" : spec.datasetName());
            assertTrue(config != null && config.containsKey(spec.evalSplit()), spec.task());
            assertTrue(config.containsKey(spec.fewshotPoolSplit()), spec.task() + " few-shot pool");
        }
    }
}
