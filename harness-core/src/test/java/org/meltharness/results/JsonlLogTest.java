package org.meltharness.results;

import org.meltharness.io.AtomicFiles;
import org.meltharness.io.Json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
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
    void aTornLastLineIsIgnoredThenClosedAndSetAsideNeverCut(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("samples-t.jsonl");
        try (JsonlLog<SampleRecord> log = JsonlLog.open(f)) {
            log.append(record(0));
        }
        Files.writeString(f, "{\"doc_id\":1,\"doc_ha", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        List<String> warnings = new ArrayList<>();
        assertEquals(1, JsonlLog.read(f, SampleRecord.class, warnings::add).size(), "killed mid-line: the partial line does not count");
        assertEquals(List.of(), warnings, "a line without its newline may still be being written: no warning");
        long before = Files.size(f);
        try (JsonlLog<SampleRecord> log = JsonlLog.open(f)) {
            assertEquals(before + 1, Files.size(f), "closed with a newline, not cut");
            log.append(record(1));
        }
        assertEquals(List.of(0, 1), JsonlLog.read(f, SampleRecord.class, warnings::add).stream().map(SampleRecord::docId).toList());
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.getFirst().startsWith(f + ":2: not a SampleRecord line"), warnings.getFirst());
        assertTrue(warnings.getFirst().endsWith("; left out (set aside in samples-t.jsonl.bad)"), warnings.getFirst());
        assertEquals("{\"doc_id\":1,\"doc_ha\n", Files.readString(dir.resolve("samples-t.jsonl.bad")));
        // Set aside once: later readers (report, merge) leave it out without saying it again.
        assertEquals(2, JsonlLog.read(f, SampleRecord.class, warnings::add).size());
        assertEquals(1, warnings.size(), warnings.toString());
        assertEquals("{\"doc_id\":1,\"doc_ha\n", Files.readString(dir.resolve("samples-t.jsonl.bad")));
    }

    @Test
    void oneBadMiddleLineIsSetAsideButAFileOfBadLinesIsAnError(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("samples-t.jsonl");
        Files.writeString(f, Json.line(record(0)) + "\nnot json\n" + Json.line(record(2)) + "\nnull\n");
        List<String> warnings = new ArrayList<>();
        assertEquals(List.of(0, 2), JsonlLog.read(f, SampleRecord.class, warnings::add).stream().map(SampleRecord::docId).toList());
        assertEquals(2, warnings.size());
        assertTrue(warnings.getFirst().startsWith(f + ":2: not a SampleRecord line"), warnings.getFirst());
        assertTrue(warnings.getLast().startsWith(f + ":4: not a SampleRecord line: null"), warnings.getLast());

        Files.writeString(f, "not json\n".repeat(JsonlLog.MAX_BAD_LINES + 1) + Json.line(record(0)) + "\n");
        var e = assertThrows(HarnessException.class, () -> JsonlLog.read(f, SampleRecord.class, warnings::add));
        assertEquals(HarnessException.BAD_DATA, e.exitCode());
        assertTrue(e.getMessage().startsWith(f + ":1: not a SampleRecord line"), e.getMessage());
        assertTrue(e.getMessage().endsWith("(and at least 10 more bad lines: not a log of SampleRecord records)"), e.getMessage());
    }

    @Test
    void aWellFormedButIncompleteRecordIsSetAsideNotACrashLater(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("samples-t.jsonl");
        Files.writeString(f, Json.line(record(0)) + "\n{\"doc_id\":1}\n");
        List<String> warnings = new ArrayList<>();
        assertEquals(1, JsonlLog.read(f, SampleRecord.class, warnings::add).size());
        assertEquals(List.of(f + ":2: not a SampleRecord line: document 1 has no metrics; left out (set aside in samples-t.jsonl.bad)"),
                warnings);
        String goldOutOfRange = Json.line(record(2)).replace("\"gold\":0", "\"gold\":7");
        Files.writeString(f, (goldOutOfRange + "\n").repeat(JsonlLog.MAX_BAD_LINES + 1));
        var g = assertThrows(HarnessException.class, () -> JsonlLog.read(f, SampleRecord.class, warnings::add));
        assertTrue(g.getMessage().startsWith(f + ":1: not a SampleRecord line: document 2 has gold 7 of 1 choices"), g.getMessage());
    }

    /** A line of the concurrency test: who wrote it, its number, and padding that makes it span many 8 KiB buffers. */
    record Line(int writer, int seq, String pad) {}

    @Test
    void twoWritersOfOneFileLeaveWholeLinesEvenOver8KiB(@TempDir Path dir) throws Exception {
        // Two processes on one run (no lock): one appends records of 300 KB, the other opens the log
        // again and again (which is when a torn tail used to be cut) and appends small ones.
        Path f = dir.resolve("topk-t.jsonl");
        String big = "x".repeat(300_000);
        int bigCount = 40;
        int smallCount = 150;
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread bigWriter = Thread.ofPlatform().start(() -> {
            try (JsonlLog<Line> log = JsonlLog.open(f)) {
                for (int i = 0; i < bigCount; i++) log.append(new Line(1, i, big));
            } catch (Throwable t) {
                failed.set(t);
            }
        });
        for (int i = 0; i < smallCount; i++) {
            try (JsonlLog<Line> log = JsonlLog.open(f)) {
                log.append(new Line(2, i, "y"));
            }
        }
        bigWriter.join();
        if (failed.get() != null) throw new AssertionError(failed.get());
        List<String> warnings = new ArrayList<>();
        List<Line> lines = JsonlLog.read(f, Line.class, warnings::add);
        assertEquals(List.of(), warnings, "no torn or interleaved line");
        assertEquals(bigCount, lines.stream().filter(l -> l.writer() == 1 && l.pad().equals(big)).count());
        assertEquals(smallCount, lines.stream().filter(l -> l.writer() == 2).count());
        assertEquals(bigCount + smallCount, lines.size());
    }

    /** Opens a big top-k log as a resume does, appends to it and streams it through, in whatever heap it was given. */
    public static final class ResumeBigLog {
        public static void main(String[] args) {
            Path f = Path.of(args[0]);
            try (JsonlLog<TopkRecord> log = JsonlLog.open(f)) {
                log.append(new TopkRecord(-1, List.of()));
            }
            long[] n = {0};
            JsonlLog.forEach(f, TopkRecord.class, w -> System.out.println("warning: " + w), r -> n[0]++);
            System.out.println("records " + n[0]);
        }
    }

    @Test
    void aTopkFileFourTimesTheHeapResumesAndStreams(@TempDir Path dir) throws Exception {
        // What a full HellaSwag run's gigabyte of top-k is to a default heap, 64 MB is to 16 MB.
        Path f = dir.resolve("topk-hellaswag.jsonl");
        List<TopkRecord.Position> positions = new ArrayList<>();
        for (int p = 0; p < 12; p++) {
            int[] ids = new int[64];
            float[] lps = new float[64];
            for (int k = 0; k < 64; k++) {
                ids[k] = 1000 + 37 * k + p;
                lps[k] = -0.123456f * (k + 1);
            }
            positions.add(new TopkRecord.Position(ids[0], lps[0], ids, lps));
        }
        String line = Json.line(new TopkRecord(0, List.of(positions, positions, positions, positions))) + "\n";
        int count = 0;
        try (var out = new java.io.BufferedOutputStream(Files.newOutputStream(f), 1 << 20)) {
            while (count * (long) line.length() < 64L << 20) {
                out.write(line.replaceFirst("\"doc_id\":0", "\"doc_id\":" + count).getBytes(StandardCharsets.UTF_8));
                count++;
            }
            out.write("{\"doc_id\":99999,\"choi".getBytes(StandardCharsets.UTF_8)); // killed while writing
        }
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx16m",
                "-cp", System.getProperty("java.class.path"), ResumeBigLog.class.getName(), f.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("records " + (count + 1)), out);
        assertTrue(out.contains("warning: " + f + ":" + (count + 1) + ": not a TopkRecord line"), "the torn line was set aside: " + out);
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
