package org.meltharness.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.meltharness.HarnessException;
import org.meltharness.results.Hashing;

/**
 * Finds a split's files (in {@code --data-dir}, else the cache, else by downloading them), checks
 * them against the manifest's sha256, and reads them. A split's sources are tried best first; a
 * source that cannot be had is reported in one line and the next one tried.
 */
public final class DataStore {
    private final DatasetCatalog catalog;
    private final DataOptions options;
    private final Downloader downloader;
    private final Consumer<String> notice;
    private final Map<String, SplitData> loaded = new HashMap<>();

    public DataStore(DatasetCatalog catalog, DataOptions options, Downloader downloader, Consumer<String> notice) {
        this.catalog = catalog;
        this.options = options;
        this.downloader = downloader;
        this.notice = notice;
    }

    /** The documents of a split; the same split is read once per store. */
    public SplitData load(String dataset, String config, String split) {
        String cfg = config == null ? "default" : config;
        String key = dataset + "/" + cfg + "/" + split;
        SplitData cached = loaded.get(key);
        if (cached != null) return cached;
        DatasetManifest m = catalog.get(dataset);
        Map<String, DatasetManifest.Split> splits = m.configs().get(cfg);
        if (splits == null) throw HarnessException.usage("dataset " + dataset + " has no config '" + cfg + "'");
        DatasetManifest.Split s = splits.get(split);
        if (s == null) throw HarnessException.usage("dataset " + dataset + " " + cfg + " has no split '" + split + "'; it has " + splits.keySet());
        String what = dataset + (cfg.equals("default") ? "" : " " + cfg) + " " + split;
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < s.sources().size(); i++) {
            DatasetManifest.Source source = s.sources().get(i);
            List<DataFile> files;
            try {
                files = obtain(m, source);
            } catch (Unavailable u) {
                failures.add(u.getMessage());
                if (i + 1 < s.sources().size()) {
                    String next = s.sources().get(i + 1).note();
                    notice.accept(what + ": " + u.getMessage() + "; using " + s.sources().get(i + 1).files().getFirst()
                            + (next == null ? "" : " (" + next + ")"));
                }
                continue;
            }
            if (source.note() != null && i == 0) notice.accept(what + ": " + source.note());
            List<Path> paths = files.stream().map(f -> Path.of(f.resolvedPath())).toList();
            List<Map<String, Object>> docs = DocReaders.get(source.format()).read(paths, cfg);
            if (s.docs() != null && docs.size() != s.docs()) {
                throw HarnessException.badData(what + ": read " + docs.size() + " documents from " + paths.getFirst()
                        + ", the manifest expects " + s.docs());
            }
            SplitData data = new SplitData(dataset, cfg, split, docs, new DataProvenance(source.format(), files, source.note()));
            loaded.put(key, data);
            return data;
        }
        DatasetManifest.Source best = s.sources().getFirst();
        String first = best.files().getFirst();
        throw HarnessException.badData(what + ": " + failures.getFirst() + "; put " + String.join(" and ", best.files())
                + " under " + options.cacheDir().resolve("datasets") + " or pass --data-dir DIR holding " + first);
    }

    private List<DataFile> obtain(DatasetManifest m, DatasetManifest.Source source) {
        List<DataFile> out = new ArrayList<>();
        for (String rel : source.files()) out.add(obtain(m, rel));
        return out;
    }

    private DataFile obtain(DatasetManifest m, String rel) {
        DatasetManifest.FileSpec spec = m.files().get(rel);
        if (options.dataDir() != null && Files.isRegularFile(options.dataDir().resolve(rel))) {
            return checked(rel, spec, options.dataDir().resolve(rel), "data-dir");
        }
        Path cached = options.cacheDir().resolve("datasets").resolve(rel);
        if (Files.isRegularFile(cached)) return checked(rel, spec, cached, "cache");
        if (spec.url() == null && spec.archive() == null) throw new Unavailable(rel + " not found locally and has no download source");
        if (options.offline()) throw new Unavailable("missing " + rel + " (offline: not downloaded)");
        try {
            if (spec.url() != null) {
                downloader.download(URI.create(spec.url()), cached, spec.sha256(), spec.bytes() == null ? -1 : spec.bytes(), Map.of());
                boolean verified = spec.sha256() != null;
                if (!verified) notice.accept(rel + " downloaded without a checksum to verify it against");
                return new DataFile(rel, cached.toString(), Hashing.sha256(cached), "downloaded", verified);
            }
            DatasetManifest.Archive archive = m.archives().get(spec.archive());
            Path archiveFile = options.cacheDir().resolve("downloads").resolve(spec.archive() + "." + archive.type());
            if (!Files.isRegularFile(archiveFile)) {
                downloader.download(URI.create(archive.url()), archiveFile, archive.sha256(),
                        archive.bytes() == null ? -1 : archive.bytes(), Map.of());
            }
            Archives.extract(archiveFile, archive.type(), spec.member(), cached);
            String sha = Hashing.sha256(cached);
            if (spec.sha256() != null && !spec.sha256().equalsIgnoreCase(sha)) {
                Files.deleteIfExists(cached);
                throw new ChecksumMismatchException(rel + " from " + archive.url() + " failed its checksum: sha256 "
                        + sha + ", expected " + spec.sha256());
            }
            return new DataFile(rel, cached.toString(), sha, "downloaded", spec.sha256() != null || archive.sha256() != null);
        } catch (ChecksumMismatchException e) {
            throw e;
        } catch (HarnessException e) {
            throw new Unavailable("missing " + rel + " (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static DataFile checked(String rel, DatasetManifest.FileSpec spec, Path file, String origin) {
        String sha = Hashing.sha256(file);
        if (spec.sha256() != null && !spec.sha256().equalsIgnoreCase(sha)) {
            throw new ChecksumMismatchException(file + " is not the expected " + rel + ": sha256 " + sha + ", expected "
                    + spec.sha256() + " (corrupt or a different version; delete or replace it)");
        }
        return new DataFile(rel, file.toString(), sha, origin, spec.sha256() != null);
    }

    /** A source that cannot be had here and now (not a corrupt one). */
    private static final class Unavailable extends RuntimeException {
        Unavailable(String message) {
            super(message, null, false, false);
        }
    }
}
