package org.meltharness.suite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.meltharness.HarnessException;
import org.meltharness.eval.Summaries;
import org.meltharness.io.AtomicFiles;
import org.meltharness.io.Json;
import org.meltharness.results.JsonlLog;
import org.meltharness.results.RunLock;
import org.meltharness.results.RunManifest;
import org.meltharness.results.RunStatus;
import org.meltharness.results.RunStore;
import org.meltharness.results.SampleRecord;
import org.meltharness.results.SummaryWriter;

/**
 * Joins the outputs of suite shards into one folder of whole runs: cells run whole on one shard
 * are copied, cells whose documents were split ({@code <cell>.shard-I-of-N}) are merged into one
 * run, after checking the shards ran the same model, task definitions and options.
 */
public final class ShardMerge {
    private static final Pattern SHARD = Pattern.compile("(.+)\\.shard-(\\d+)-of-(\\d+)");

    private ShardMerge() {}

    /** A suffix naming a document shard of a cell. */
    public static String suffix(int index, int count) {
        return ".shard-" + index + "-of-" + count;
    }

    /**
     * Merges every run folder under {@code sources} into {@code into}; returns the cells written.
     * Every cell is checked before anything is written, and each is built in {@code into/.merging/}
     * and renamed into place, so a failure leaves no half-merged cell to block the next attempt.
     */
    public static List<String> merge(List<Path> sources, Path into) {
        Map<String, List<RunStore>> byCell = new LinkedHashMap<>();
        for (Path source : sources) {
            for (Path d : runDirs(source)) {
                Matcher m = SHARD.matcher(d.getFileName().toString());
                String cell = m.matches() ? m.group(1) : d.getFileName().toString();
                byCell.computeIfAbsent(cell, k -> new ArrayList<>()).add(RunStore.open(source, d.getFileName().toString()));
            }
        }
        Map<String, List<RunStore>> plan = new LinkedHashMap<>();
        for (var e : byCell.entrySet()) {
            List<RunStore> parts = check(e.getKey(), e.getValue(), into);
            if (parts != null) plan.put(e.getKey(), parts);
        }
        Path staging = into.resolve(".merging");
        List<String> written = new ArrayList<>();
        for (var e : plan.entrySet()) {
            Path built = staging.resolve(e.getKey());
            try {
                if (e.getValue().size() == 1 && !SHARD.matcher(e.getValue().getFirst().runId()).matches()) {
                    copy(e.getValue().getFirst(), built);
                } else {
                    join(e.getKey(), e.getValue(), staging);
                }
                AtomicFiles.moveIntoPlace(built, into.resolve(e.getKey()));
            } catch (IOException ex) {
                deleteTree(built);
                throw new UncheckedIOException("cannot merge " + e.getKey() + " into " + into, ex);
            } catch (RuntimeException ex) {
                deleteTree(built);
                throw ex;
            }
            written.add(e.getKey());
        }
        try {
            Files.deleteIfExists(staging);
        } catch (IOException ex) {
            // another merge is staging there too
        }
        for (var e : byCell.entrySet()) if (!plan.containsKey(e.getKey())) written.add(e.getKey());
        return written;
    }

    /**
     * The parts of a cell to write, in shard order; null when the cell is already in place (a
     * source that is the target itself); refused when it cannot be merged or its target exists.
     */
    private static List<RunStore> check(String cell, List<RunStore> parts, Path into) {
        Path target = into.resolve(cell);
        boolean sharded = parts.stream().anyMatch(p -> SHARD.matcher(p.runId()).matches());
        if (!sharded) {
            if (parts.size() > 1) throw HarnessException.usage("cell " + cell + " appears in several folders: " + parts.stream().map(RunStore::dir).toList());
            if (target.toAbsolutePath().normalize().equals(parts.getFirst().dir().toAbsolutePath().normalize())) return null;
        }
        if (Files.exists(target)) throw HarnessException.usage(target + " exists already; merge into an empty folder");
        if (!sharded) return parts;
        parts = parts.stream().sorted(Comparator.comparingInt(p -> shardIndex(p.runId()))).toList();
        int count = shardCount(parts.getFirst().runId());
        if (parts.size() != count || parts.stream().anyMatch(p -> shardCount(p.runId()) != count)) {
            throw HarnessException.usage("cell " + cell + " has " + parts.size() + " of its " + count + " shards; merge all of them");
        }
        List<RunManifest> manifests = parts.stream().map(RunStore::readManifest).toList();
        for (int i = 0; i < manifests.size(); i++) {
            RunManifest m = manifests.get(i);
            if (m.status() != RunStatus.COMPLETE) throw HarnessException.usage(parts.get(i).runId() + " is not finished; resume it before merging");
            String why = incompatibility(manifests.getFirst(), m);
            if (why != null) throw HarnessException.usage("cannot merge " + parts.get(i).runId() + " into " + cell + ": " + why);
        }
        return parts;
    }

    /** Joins a checked cell's shards into {@code staging/<cell>}. */
    private static void join(String cell, List<RunStore> parts, Path staging) {
        List<RunManifest> manifests = parts.stream().map(RunStore::readManifest).toList();
        RunManifest first = manifests.getFirst();
        RunStore merged = RunStore.createNamed(staging, cell);
        List<RunManifest.TaskRecord> tasks = new ArrayList<>();
        for (RunManifest.TaskRecord t : first.tasks()) {
            List<SampleRecord> all = new ArrayList<>();
            int docs = 0;
            for (int i = 0; i < parts.size(); i++) {
                all.addAll(JsonlLog.read(parts.get(i).samplesFile(t.name()), SampleRecord.class));
                docs += manifests.get(i).tasks().stream().filter(x -> x.name().equals(t.name())).findFirst().orElseThrow().docs();
            }
            all.sort(Comparator.comparingInt(SampleRecord::docId));
            try (JsonlLog<SampleRecord> log = JsonlLog.open(merged.samplesFile(t.name()))) {
                for (SampleRecord r : all) log.append(r);
            }
            tasks.add(new RunManifest.TaskRecord(t.name(), t.file(), t.sha256(), t.version(), docs, t.metrics(), t.convention(), t.data()));
        }
        var o = first.options();
        var options = new RunManifest.RunOptions(o.tasks(), o.limit(), o.numFewshot(), o.seed(), o.runtime(), o.quant(), o.weights(),
                o.threads(), o.runtimeOptions(), o.dataDir(), o.logPrompts(), o.storeTopk(), o.fidelityReference(), null);
        List<RunManifest.Segment> segments = manifests.stream().flatMap(m -> m.segments().stream()).toList();
        RunManifest m = new RunManifest(cell, first.createdAt(), RunStatus.COMPLETE, first.environment(), first.model(), first.runtime(),
                tasks, options, first.measurements(), segments);
        merged.writeManifest(m);
        SummaryWriter.write(merged.dir(), Summaries.build(merged, m, Map.of()));
        AtomicFiles.write(merged.dir().resolve("merged-from.json"), Json.pretty(parts.stream().map(p -> p.dir().toString()).toList()));
    }

    /** Why two shards cannot be one run, or null when they can. */
    static String incompatibility(RunManifest a, RunManifest b) {
        if (!Objects.equals(a.model().weights(), b.model().weights())) return "different model weights (sha256)";
        if (!Objects.equals(a.model().runtime(), b.model().runtime()) || !Objects.equals(a.model().quant(), b.model().quant())) {
            return "different runtime or quantisation";
        }
        for (int i = 0; i < a.tasks().size(); i++) {
            if (b.tasks().size() != a.tasks().size() || !a.tasks().get(i).sha256().equals(b.tasks().get(i).sha256())) {
                return "different task definitions";
            }
        }
        var x = a.options();
        var y = b.options();
        if (x.limit() != y.limit() || !Objects.equals(x.numFewshot(), y.numFewshot()) || x.seed() != y.seed()
                || !Objects.equals(x.weights(), y.weights())) {
            return "different options (limit, few-shot, seed or weights)";
        }
        return null;
    }

    private static void copy(RunStore run, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(run.dir())) {
            for (Path f : files.toList()) {
                if (f.getFileName().toString().equals(RunLock.FILE)) continue; // whose process wrote the shard, not data
                Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            // best effort: the staging folder is hidden and never read as a run
        }
    }

    private static List<Path> runDirs(Path source) {
        if (!Files.isDirectory(source)) throw HarnessException.usage("no folder " + source);
        try (Stream<Path> s = Files.list(source)) {
            return s.filter(d -> Files.isRegularFile(d.resolve("manifest.json"))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int shardIndex(String id) {
        Matcher m = SHARD.matcher(id);
        return m.matches() ? Integer.parseInt(m.group(2)) : 0;
    }

    private static int shardCount(String id) {
        Matcher m = SHARD.matcher(id);
        return m.matches() ? Integer.parseInt(m.group(3)) : 1;
    }
}
