package org.meltharness.results;

import org.meltharness.io.AtomicFiles;
import org.meltharness.io.Json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.HarnessException;

class JsonlLogTest {
    private static SampleRecord record(int id) {
        var choice = new SampleRecord.Choice(" yes", -1.5, true, 10, 1, 4, false, new double[] {-1.5}, 0.5, 0.8);
        return new SampleRecord(id, "d" + id, "p" + id, 0, 0, 0, Map.of("acc", 1.0), List.of(choice), 0.8, 0.5, 11, null);
    }

    @Test
    void appendsAndReadsBack(@TempDir Path dir) {
        Path f = dir.resolve("samples-t.jsonl");
        try (JsonlLog<SampleRecord> log = JsonlLog.open(f)) {
            log.append(record(0));
            log.append(record(1));
        }
        List<SampleRecord> back = JsonlLog.read(f, SampleRecord.class);
        assertEquals(List.of(0, 1), back.stream().map(SampleRecord::docId).toList());
        assertEquals(-1.5, back.get(1).choices().getFirst().ll());
        assertEquals(1.0, back.get(0).metrics().get("acc"));
    }

    @Test
    void aTornLastLineIsIgnoredAndCutBeforeAppending(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("samples-t.jsonl");
        try (JsonlLog<SampleRecord> log = JsonlLog.open(f)) {
            log.append(record(0));
        }
        Files.writeString(f, "{\"doc_id\":1,\"doc_ha", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        assertEquals(1, JsonlLog.read(f, SampleRecord.class).size(), "killed mid-line: the partial line does not count");
        try (JsonlLog<SampleRecord> log = JsonlLog.open(f)) {
            log.append(record(1));
        }
        assertEquals(List.of(0, 1), JsonlLog.read(f, SampleRecord.class).stream().map(SampleRecord::docId).toList());
    }

    @Test
    void aCorruptCompleteLineIsAnError(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("samples-t.jsonl");
        Files.writeString(f, "not json\n" + Json.line(record(0)) + "\n");
        var e = assertThrows(HarnessException.class, () -> JsonlLog.read(f, SampleRecord.class));
        assertEquals(true, e.getMessage().startsWith(f + ":1: not a SampleRecord line"), e.getMessage());
    }

    @Test
    void aWellFormedButIncompleteRecordIsBadDataNotACrashLater(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("samples-t.jsonl");
        Files.writeString(f, Json.line(record(0)) + "\n{\"doc_id\":1}\n");
        var e = assertThrows(HarnessException.class, () -> JsonlLog.read(f, SampleRecord.class));
        assertEquals(HarnessException.BAD_DATA, e.exitCode());
        assertEquals(f + ":2: not a SampleRecord line: document 1 has no metrics", e.getMessage());
        String goldOutOfRange = Json.line(record(2)).replace("\"gold\":0", "\"gold\":7");
        Files.writeString(f, goldOutOfRange + "\n");
        var g = assertThrows(HarnessException.class, () -> JsonlLog.read(f, SampleRecord.class));
        assertEquals(f + ":1: not a SampleRecord line: document 2 has gold 7 of 1 choices", g.getMessage());
    }

    @Test
    void atomicWriteLeavesNoTemporaryFiles(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("summary.json");
        AtomicFiles.write(f, "one");
        AtomicFiles.write(f, "two");
        assertEquals("two", Files.readString(f));
        try (var s = Files.list(dir)) {
            assertEquals(List.of(f), s.toList());
        }
    }
}
