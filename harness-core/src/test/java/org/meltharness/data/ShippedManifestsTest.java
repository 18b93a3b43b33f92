package org.meltharness.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.meltharness.SharedFiles;
import org.meltharness.io.Hashing;

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
    void canonicalSourcesAsTheDatasetsReadmeGivesThem() {
        DatasetCatalog c = DatasetCatalog.load();
        assertEquals(List.of("arc", "hellaswag", "mmlu", "piqa", "truthfulqa", "winogrande"),
                c.all().stream().map(DatasetManifest::name).sorted().toList());
        var arc = c.get("arc").archives().get("arc-v1");
        assertEquals("https://ai2-datasets.s3-us-west-2.amazonaws.com/arc/ARC-V1-Feb2018.zip", arc.url());
        assertEquals("6d2d5ab50b2ceec6ba5f79c921be77cf2de712ea25a2b3f4fff3acc101cecfa0", arc.sha256());
        assertEquals(680841265L, arc.bytes());
        var hs = c.get("hellaswag").files();
        assertEquals(new DatasetManifest.FileSpec("0aa3b88843990f3f10a97b9575c94d7b71fb2205240ba04ae4884d9e9c992588", 12246618L,
                "https://raw.githubusercontent.com/rowanz/hellaswag/master/data/hellaswag_val.jsonl", null, null),
                hs.get("hellaswag/hellaswag_val.jsonl"));
        assertEquals(new DatasetManifest.FileSpec("dae5e69249868cb9fe4e23ff925c60b66169564cfb7072d793cd7356a2b69f8d", 47496131L,
                "https://raw.githubusercontent.com/rowanz/hellaswag/master/data/hellaswag_train.jsonl", null, null),
                hs.get("hellaswag/hellaswag_train.jsonl"));
        var validation = c.get("hellaswag").configs().get("default").get("validation").sources();
        assertEquals(List.of("hellaswag_jsonl", "hellaswag_text"), validation.stream().map(DatasetManifest.Source::format).toList());
        assertTrue(validation.get(1).note().startsWith("lossy"), validation.get(1).note());
        assertTrue(c.get("truthfulqa").files().get("truthfulqa/data/mc_task.json").url()
                .startsWith("https://raw.githubusercontent.com/sylinrl/TruthfulQA/013686a06be7a7bde5bf8223943e106c7250123c/"));
        assertEquals("https://storage.googleapis.com/ai2-mosaic/public/winogrande/winogrande_1.1.zip",
                c.get("winogrande").archives().get("winogrande-1.1").url());
        assertEquals("winogrande_1.1/train_xl.jsonl", c.get("winogrande").files().get("winogrande/winogrande_1.1/train_xl.jsonl").member());
        assertEquals("https://yonatanbisk.com/piqa/data/valid-labels.lst", c.get("piqa").files().get("piqa/valid-labels.lst").url());
        assertEquals("https://people.eecs.berkeley.edu/~hendrycks/data.tar", c.get("mmlu").archives().get("mmlu-data").url());
        for (DatasetManifest m : c.all()) {
            for (var f : m.files().entrySet()) {
                String url = f.getValue().url() != null ? f.getValue().url()
                        : f.getValue().archive() != null ? m.archives().get(f.getValue().archive()).url() : null;
                if (f.getKey().contains("/derived-")) {
                    assertEquals(null, url, "a derived copy has no canonical download");
                } else {
                    assertTrue(url != null && url.startsWith("https://"), f.getKey() + ": " + url);
                }
            }
        }
    }

    @Test
    void mmluHasEverySubjectAndEverySplitOfTheDataTar() throws Exception {
        var mmlu = DatasetCatalog.load().get("mmlu");
        List<String> shipped = Files.readAllLines(SharedFiles.datasets().resolve("MANIFEST.tsv")).stream()
                .map(l -> l.split("\t")[3]).filter(p -> p.startsWith("mmlu/data/")).sorted().toList();
        assertEquals(shipped, mmlu.files().keySet().stream().sorted().toList());
        for (var subject : mmlu.configs().entrySet()) {
            assertEquals(java.util.Set.of("test", "validation", "dev"), subject.getValue().keySet(), subject.getKey());
            String test = subject.getValue().get("test").sources().getFirst().files().getFirst();
            assertEquals("mmlu/data/test/" + subject.getKey() + "_test.csv", test);
            assertEquals("data/test/" + subject.getKey() + "_test.csv", mmlu.files().get(test).member());
            String val = subject.getValue().get("validation").sources().getFirst().files().getFirst();
            assertEquals("mmlu/data/val/" + subject.getKey() + "_val.csv", val);
        }
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
