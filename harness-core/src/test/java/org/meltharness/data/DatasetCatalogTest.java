package org.meltharness.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.HarnessException;

/** A mistake in a manifest fails when the catalog is loaded, naming the file, not later on a user's machine. */
class DatasetCatalogTest {
    private static final String GOOD = """
            name: toy
            configs:
              default:
                test:
                  sources:
                    - {format: arc_jsonl, files: [toy/a.jsonl]}
            files:
              toy/a.jsonl: {sha256: %s, url: https://example.org/a.jsonl}
            """;
    private static final String SHA = "ab".repeat(32);

    @TempDir
    Path dir;

    private String fail(String yaml) throws Exception {
        Path f = Files.writeString(dir.resolve("toy.yaml"), yaml);
        var e = assertThrows(HarnessException.class, () -> DatasetCatalog.loadFrom(dir));
        assertEquals(HarnessException.BAD_DATA, e.exitCode());
        String prefix = f + ": ";
        assertEquals(true, e.getMessage().startsWith(prefix), e.getMessage());
        return e.getMessage().substring(prefix.length());
    }

    @Test
    void aGoodManifestLoads() throws Exception {
        Files.writeString(dir.resolve("toy.yaml"), GOOD.formatted(SHA));
        Files.createDirectories(dir.resolve("fixtures"));
        Files.writeString(dir.resolve("fixtures/not-a-manifest.jsonl"), "{}\n");
        DatasetCatalog c = DatasetCatalog.loadFrom(dir);
        assertEquals(List.of("toy"), c.all().stream().map(DatasetManifest::name).toList());
        assertEquals("https://example.org/a.jsonl", c.get("toy").files().get("toy/a.jsonl").url());
        assertEquals(HarnessException.USAGE, assertThrows(HarnessException.class, () -> c.get("arc")).exitCode());
    }

    @Test
    void typosAreCaught() throws Exception {
        assertEquals("unknown format 'arc_json'; known: " + DocReaders.formats(),
                fail(GOOD.formatted(SHA).replace("arc_jsonl", "arc_json")));
        assertEquals("sha256 '" + SHA.substring(1) + "' is not 64 lower-case hex digits", fail(GOOD.formatted(SHA.substring(1))));
        assertEquals("file toy/b.jsonl is not under 'files'", fail(GOOD.formatted(SHA).replace("[toy/a.jsonl]", "[toy/b.jsonl]")));
        assertEquals("unknown key 'urls'", fail(GOOD.formatted(SHA).replace("url:", "urls:")));
        assertEquals("file toy/a.jsonl names unknown archive zz",
                fail(GOOD.formatted(SHA).replace("url: https://example.org/a.jsonl", "archive: zz, member: a.jsonl")));
        assertEquals("archive type must be one of " + Archives.TYPES, fail(GOOD.formatted(SHA)
                .replace("url: https://example.org/a.jsonl", "archive: zz, member: a.jsonl")
                + "archives:\n  zz: {url: https://example.org/a.rar, type: rar}\n"));
    }

    @Test
    void aDatasetDefinedTwiceIsAnError() throws Exception {
        Files.writeString(dir.resolve("a.yaml"), GOOD.formatted(SHA));
        Files.writeString(dir.resolve("b.yaml"), GOOD.formatted(SHA));
        var e = assertThrows(HarnessException.class, () -> DatasetCatalog.loadFrom(dir));
        assertEquals(dir.resolve("b.yaml") + ": dataset toy defined twice", e.getMessage());
    }
}
