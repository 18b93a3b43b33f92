package org.meltharness.results;

import org.meltharness.io.AtomicFiles;
import org.meltharness.io.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.meltharness.HarnessException;

/** The folder of one run: {@code <root>/<run-id>/} with its manifest, samples and summary. */
public final class RunStore {
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final Path dir;

    private RunStore(Path dir) {
        this.dir = dir;
    }

    /** A new, empty run folder named {@code <time>-<label>-<random>}. */
    public static RunStore create(Path root, String label) {
        String id = ZonedDateTime.now(ZoneOffset.UTC).format(ID_TIME) + "-" + sanitize(label) + "-"
                + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
        Path dir = root.resolve(id);
        try {
            Files.createDirectories(root);
            Files.createDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create run folder " + dir, e);
        }
        return new RunStore(dir);
    }

    /**
     * A run folder with a chosen id (suites name their cells), created unless another process made it
     * a moment ago; whoever writes it takes its {@link RunLock} first.
     */
    public static RunStore createNamed(Path root, String runId) {
        if (!runId.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) throw HarnessException.usage("run id '" + runId + "' may only hold letters, digits, '.', '_' and '-'");
        Path dir = root.resolve(runId);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create run folder " + dir, e);
        }
        return new RunStore(dir);
    }

    /** Whether a run with this id exists under root. */
    public static boolean exists(Path root, String runId) {
        return Files.isRegularFile(root.resolve(runId).resolve("manifest.json"));
    }

    /** An existing run, for resuming or reporting. */
    public static RunStore open(Path root, String runId) {
        Path dir = root.resolve(runId);
        if (!Files.isRegularFile(dir.resolve("manifest.json"))) {
            throw HarnessException.usage("no run '" + runId + "' in " + root + " (no manifest.json there)");
        }
        return new RunStore(dir);
    }

    public Path dir() {
        return dir;
    }

    /**
     * Whether {@code recorded} (a folder a manifest names, such as its fidelity reference, stored
     * absolute) is this run's folder, however either was spelled (relative {@code results/ID} or not).
     */
    public boolean isFolder(String recorded) {
        return recorded != null && Path.of(recorded).toAbsolutePath().normalize().equals(dir.toAbsolutePath().normalize());
    }

    public String runId() {
        return dir.getFileName().toString();
    }

    /**
     * A task's samples, one per document: the first line of each (a resumed run that repeated a
     * document, killed between its append and the next, keeps the first), in file order.
     */
    public java.util.Map<Integer, SampleRecord> samplesByDoc(String task) {
        java.util.Map<Integer, SampleRecord> byId = new java.util.LinkedHashMap<>();
        for (SampleRecord r : JsonlLog.read(samplesFile(task), SampleRecord.class)) byId.putIfAbsent(r.docId(), r);
        return byId;
    }

    /**
     * A new folder {@code <parent>/<time>} for a command's output (a comparison, a report); a second
     * one in the same second gets {@code <time>-2}, and so on, so that none overwrites another.
     */
    public static Path createTimestampedFolder(Path parent) {
        String time = ZonedDateTime.now(ZoneOffset.UTC).format(ID_TIME);
        try {
            Files.createDirectories(parent);
            for (int n = 1; ; n++) {
                Path dir = parent.resolve(n == 1 ? time : time + "-" + n);
                try {
                    return Files.createDirectory(dir);
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    // taken: try the next
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a folder in " + parent, e);
        }
    }

    public Path samplesFile(String task) {
        return dir.resolve("samples-" + task + ".jsonl");
    }

    public Path topkFile(String task) {
        return dir.resolve("topk-" + task + ".jsonl");
    }

    /** A run given as a folder, or as an id under {@code root}. */
    public static RunStore locate(Path root, String run) {
        Path p = Path.of(run);
        if (Files.isRegularFile(p.resolve("manifest.json"))) {
            Path abs = p.toAbsolutePath().normalize();
            return new RunStore(abs);
        }
        return open(root, run);
    }

    public void writeManifest(RunManifest manifest) {
        AtomicFiles.write(dir.resolve("manifest.json"), Json.pretty(manifest));
    }

    public RunManifest readManifest() {
        Path file = dir.resolve("manifest.json");
        try {
            return Json.read(Files.readString(file), RunManifest.class);
        } catch (JsonProcessingException e) {
            throw HarnessException.badData(file + ": not a run manifest: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static String sanitize(String label) {
        String s = label.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^-+|-+$", "");
        return s.isEmpty() ? "run" : s.length() > 60 ? s.substring(0, 60) : s;
    }
}
