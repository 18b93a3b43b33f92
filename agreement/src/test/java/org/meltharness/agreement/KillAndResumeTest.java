package org.meltharness.agreement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.SharedFiles;
import org.meltharness.HarnessHome;
import org.meltharness.results.JsonlLog;
import org.meltharness.results.RunStore;
import org.meltharness.results.SampleRecord;

/**
 * The process a user starts is the process that works: {@code ./harness eval} killed with SIGKILL
 * leaves no JVM behind, and {@code --resume} then ends with the samples and summary of an
 * uninterrupted run, no document lost or doubled. Runs the real launcher on the jars this build made.
 */
@Timeout(300)
class KillAndResumeTest {
    private static final int DOCS = 240;

    @TempDir
    Path tmp;

    private Process harness(Path log, String... args) throws IOException {
        Path root = HarnessHome.find().orElseThrow();
        List<String> cmd = new ArrayList<>(List.of(root.resolve("harness").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("HARNESS_BUILD", "never"); // the jars of this very build, not a nested Maven
        return pb.start();
    }

    private List<String> evalArgs(Path output) {
        return List.of("eval", "--task", "arc_easy", "--model", "stories260k", "--limit", String.valueOf(DOCS), "--batch-docs", "2",
                "--data-dir", SharedFiles.datasets().toString(), "--output", output.toString());
    }

    private static Path onlyRun(Path output) throws IOException {
        try (Stream<Path> s = Files.list(output)) {
            return s.filter(d -> Files.isRegularFile(d.resolve("manifest.json"))).findFirst().orElseThrow();
        }
    }

    private static long lines(Path file) throws IOException {
        if (!Files.isRegularFile(file)) return 0;
        try (Stream<String> s = Files.lines(file)) {
            return s.count();
        }
    }

    @Test
    void sigkillOfTheLauncherLeavesNoJvmAndResumeEqualsAnUninterruptedRun() throws Exception {
        Path killed = tmp.resolve("killed");
        Process p = harness(tmp.resolve("first.log"), evalArgs(killed).toArray(String[]::new));
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        Path samples = null;
        while (System.nanoTime() < deadline && p.isAlive()) {
            if (samples == null && Files.isDirectory(killed)) {
                try (Stream<Path> s = Files.list(killed)) {
                    samples = s.map(d -> d.resolve("samples-arc_easy.jsonl")).filter(Files::isRegularFile).findFirst().orElse(null);
                }
            }
            if (samples != null && lines(samples) >= 10) break;
            Thread.sleep(10);
        }
        assertTrue(p.isAlive(), "the run was still going when killed: " + Files.readString(tmp.resolve("first.log")));
        p.destroyForcibly(); // SIGKILL to the pid the user started
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        Thread.sleep(1000); // "within a second"
        List<String> left = ProcessHandle.allProcesses().filter(h -> h.info().commandLine().orElse("").contains(killed.toString()))
                .map(h -> h.pid() + " " + h.info().commandLine().orElse("")).toList();
        assertEquals(List.of(), left, "no JVM of the killed run remains");
        long before = lines(samples);
        assertTrue(before < DOCS, "killed part-way: " + before);

        String runId = onlyRun(killed).getFileName().toString();
        Process resume = harness(tmp.resolve("resume.log"), "eval", "--resume", runId, "--output", killed.toString());
        assertTrue(resume.waitFor(240, TimeUnit.SECONDS));
        assertEquals(0, resume.exitValue(), Files.readString(tmp.resolve("resume.log")));

        Path whole = tmp.resolve("whole");
        Process straight = harness(tmp.resolve("whole.log"), evalArgs(whole).toArray(String[]::new));
        assertTrue(straight.waitFor(240, TimeUnit.SECONDS));
        assertEquals(0, straight.exitValue(), Files.readString(tmp.resolve("whole.log")));

        List<SampleRecord> resumed = JsonlLog.read(samples, SampleRecord.class);
        List<SampleRecord> reference = JsonlLog.read(onlyRun(whole).resolve("samples-arc_easy.jsonl"), SampleRecord.class);
        assertEquals(DOCS, resumed.size(), "no sample lost or doubled");
        Set<Integer> ids = new HashSet<>();
        for (SampleRecord r : resumed) assertTrue(ids.add(r.docId()), "doc " + r.docId() + " twice");
        Map<Integer, SampleRecord> byDoc = RunStore.locate(whole, onlyRun(whole).toString()).samplesByDoc("arc_easy");
        assertEquals(reference.size(), byDoc.size());
        for (SampleRecord r : resumed) {
            SampleRecord ref = byDoc.get(r.docId());
            assertEquals(ref.metrics(), r.metrics(), "doc " + r.docId());
            assertEquals(ref.choices().size(), r.choices().size());
            for (int i = 0; i < r.choices().size(); i++) {
                assertEquals(ref.choices().get(i).ll(), r.choices().get(i).ll(), 1e-4, "doc " + r.docId());
            }
        }
        assertEquals(summaryValues(onlyRun(whole)), summaryValues(onlyRun(killed)));
    }

    /** The summary's metric values (timings left out: they are the runs' own). */
    private static List<String> summaryValues(Path run) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("summary.csv"))) {
            String[] f = line.split(",");
            out.add(String.join(",", java.util.Arrays.copyOf(f, Math.min(f.length, 5))));
        }
        return out;
    }
}
