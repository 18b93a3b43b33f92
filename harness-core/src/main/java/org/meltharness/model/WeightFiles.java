package org.meltharness.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.meltharness.HarnessException;
import org.meltharness.io.AtomicFiles;
import org.meltharness.io.Hashing;
import org.meltharness.results.RunManifest.WeightFile;

/**
 * The weight files of a model and their sha256, for the run manifest. Hashes are remembered in
 * {@code <cache>/hashes.tsv} by path, size and modification time, because hashing a 13 GB model
 * on every run would cost half a minute.
 */
public final class WeightFiles {
    private static final List<String> WEIGHT_SUFFIXES = List.of(".safetensors", ".gguf", ".bin", ".pt", ".pth");
    /** The shard index of a sharded safetensors folder; its {@code weight_map} names the shard files. */
    public static final String SHARD_INDEX = "model.safetensors.index.json";

    private final Path cacheFile;

    public WeightFiles(Path cacheDir) {
        this.cacheFile = cacheDir.resolve("hashes.tsv");
    }

    /** The weight files of a model file or folder, sorted by name, each with its hash and size. */
    public List<WeightFile> describe(Path model) {
        List<Path> files = list(model);
        Map<String, String> cache = readCache();
        boolean changed = false;
        List<WeightFile> out = new ArrayList<>();
        for (Path f : files) {
            try {
                long size = Files.size(f);
                String key = f.toAbsolutePath().normalize() + "\t" + size + "\t" + Files.getLastModifiedTime(f).toMillis();
                String sha = cache.get(key);
                if (sha == null) {
                    sha = Hashing.sha256(f);
                    cache.put(key, sha);
                    changed = true;
                }
                out.add(new WeightFile(model.equals(f) ? f.getFileName().toString() : model.relativize(f).toString(),
                        sha, size));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + f, e);
            }
        }
        if (changed) writeCache(cache);
        return out;
    }

    /**
     * A shard that {@code dir}'s {@value #SHARD_INDEX} names in its {@code weight_map}, refused in one
     * line when the name leads outside the folder ({@code ../}, an absolute path): a hub repository's
     * index is someone else's file, and every loader opens what it names.
     */
    public static Path shard(Path dir, String name) {
        Path p = inside(dir, name);
        if (p == null) {
            throw HarnessException.badData(dir.resolve(SHARD_INDEX) + " names a weight file outside the model folder: " + name);
        }
        return p;
    }

    /**
     * {@code dir.resolve(name)} when {@code name} is a relative path that stays inside {@code dir}
     * (no {@code ..} part, not absolute, no NUL), else null. Both sides are normalized, so a
     * relative folder such as {@code ./cache} compares as it should.
     */
    static Path inside(Path dir, String name) {
        if (name == null || name.isEmpty() || name.startsWith("/")) return null;
        try {
            Path rel = Path.of(name);
            if (rel.isAbsolute()) return null;
            for (Path part : rel) if (part.toString().equals("..")) return null;
            Path base = dir.toAbsolutePath().normalize();
            Path target = base.resolve(rel).normalize();
            return target.startsWith(base) && !target.equals(base) ? dir.resolve(rel) : null;
        } catch (InvalidPathException e) {
            return null;
        }
    }

    static List<Path> list(Path model) {
        if (Files.isRegularFile(model)) return List.of(model);
        try (Stream<Path> s = Files.list(model)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> WEIGHT_SUFFIXES.stream().anyMatch(suf -> p.getFileName().toString().endsWith(suf)))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + model, e);
        }
    }

    private Map<String, String> readCache() {
        Map<String, String> m = new LinkedHashMap<>();
        if (!Files.isRegularFile(cacheFile)) return m;
        try {
            for (String line : Files.readAllLines(cacheFile)) {
                int last = line.lastIndexOf('\t');
                if (last > 0) m.put(line.substring(0, last), line.substring(last + 1));
            }
        } catch (IOException e) {
            return new LinkedHashMap<>(); // an unreadable cache only costs re-hashing
        }
        return m;
    }

    private void writeCache(Map<String, String> cache) {
        StringBuilder sb = new StringBuilder();
        cache.forEach((k, v) -> sb.append(k).append('\t').append(v).append('\n'));
        try {
            AtomicFiles.write(cacheFile, sb.toString());
        } catch (UncheckedIOException e) {
            // A read-only cache folder must not fail the run; the hash is still recorded.
        }
    }
}
