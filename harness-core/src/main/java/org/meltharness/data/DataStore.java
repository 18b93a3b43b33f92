package org.meltharness.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.meltharness.HarnessException;
import org.meltharness.io.Hashing;

/**
 * Finds a split's files (in {@code --data-dir}, else the cache, else by downloading them), checks
 * them against the manifest's sha256, and reads them. A split's sources are tried best first; a
 * source that cannot be had is reported in one line and the next one tried. A file that is there
 * but has the wrong bytes is an error, never a reason to fall back.
 *
 * <p>One store per run, used from one thread: it remembers what it read and what it has warned about.
 */
public final class DataStore {
    private final DatasetCatalog catalog;
    private final DataOptions options;
    private final Downloader downloader;
    private final Consumer<String> notice;
    private final Map<String, SplitData> loaded = new HashMap<>();
    /** Files already reported as unverified, so the user is told once per run, not once per split. */
    private final Set<String> warnedUnverified = new HashSet<>();
    /** Archives in the download cache whose checksum was confirmed by this store. */
    private final Set<Path> checkedArchives = new HashSet<>();

    /**
     * @param notice receives one-line messages for the user (a fallback to a lossy source, an
     *     unverified file)
     */
    public DataStore(DatasetCatalog catalog, DataOptions options, Downloader downloader, Consumer<String> notice) {
        this.catalog = catalog;
        this.options = options;
        this.downloader = downloader;
        this.notice = notice;
    }

    /**
     * The documents of a split; the same split is read once per store.
     *
     * @param config the manifest config, or null for {@code default}
     */
    public SplitData load(String dataset, String config, String split) {
        String cfg = config == null ? "default" : config;
        String key = dataset + "/" + cfg + "/" + split;
        SplitData cached = loaded.get(key);
        if (cached != null) return cached;
        DatasetManifest m = catalog.get(dataset);
        Map<String, DatasetManifest.Split> splits = m.configs().get(cfg);
        if (splits == null) {
            throw HarnessException.usage("dataset " + dataset + " has no config '" + cfg + "'" + known(m.configs().keySet()));
        }
        DatasetManifest.Split s = splits.get(split);
        if (s == null) throw HarnessException.usage("dataset " + dataset + " " + cfg + " has no split '" + split + "'; it has " + splits.keySet());
        String what = dataset + (cfg.equals("default") ? "" : " " + cfg) + " " + split;
        List<String> failures = new ArrayList<>();
        for (DatasetManifest.Source source : s.sources()) {
            List<DataFile> files;
            try {
                files = obtain(m, source);
            } catch (Unavailable u) {
                failures.add(u.getMessage());
                continue;
            }
            // Said only once a fallback worked, so that a user never reads "using X" before an error.
            if (!failures.isEmpty()) {
                notice.accept(what + ": " + failures.getFirst() + "; using " + String.join(" and ", source.files())
                        + (source.note() == null ? "" : " (" + source.note() + ")"));
            } else if (source.note() != null) {
                notice.accept(what + ": " + source.note());
            }
            for (DataFile f : files) {
                if (!f.verified() && warnedUnverified.add(f.resolvedPath())) {
                    notice.accept(what + ": no checksum is known for " + f.path() + " (" + f.origin() + "), so it is used"
                            + " unverified; provenance records sha256 " + f.sha256());
                }
            }
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
        throw HarnessException.badData(what + ": " + failures.getFirst() + "; " + whereToPut(s.sources().getFirst()));
    }

    /** The one instruction that gets the user going: where the best source's missing files go. */
    private String whereToPut(DatasetManifest.Source best) {
        List<String> missing = best.files().stream().filter(rel -> local(rel) == null).toList();
        if (missing.isEmpty()) missing = best.files();
        Path datasets = options.cacheDir().resolve("datasets");
        String at = missing.stream().map(rel -> datasets.resolve(rel).toString()).collect(Collectors.joining(" and "));
        return "put " + (missing.size() == 1 ? "it" : "them") + " at " + at + " or pass --data-dir DIR holding "
                + String.join(" and ", missing);
    }

    private static String known(Set<String> names) {
        return names.size() <= 12 ? "; it has " + names : "; it has " + names.size() + " configs, e.g. " + names.iterator().next();
    }

    /** A local copy: in the data dir first (the user's word), then in the cache; null if neither. */
    private Path local(String rel) {
        if (options.dataDir() != null && Files.isRegularFile(options.dataDir().resolve(rel))) return options.dataDir().resolve(rel);
        Path cached = options.cacheDir().resolve("datasets").resolve(rel);
        return Files.isRegularFile(cached) ? cached : null;
    }

    private List<DataFile> obtain(DatasetManifest m, DatasetManifest.Source source) {
        List<DataFile> out = new ArrayList<>();
        for (String rel : source.files()) out.add(obtain(m, rel));
        return out;
    }

    private DataFile obtain(DatasetManifest m, String rel) {
        DatasetManifest.FileSpec spec = m.files().get(rel);
        Path found = local(rel);
        if (found != null) {
            return checked(rel, spec, found, inDataDir(found) ? "data-dir" : "cache");
        }
        if (spec.url() == null && spec.archive() == null) throw new Unavailable("missing " + rel + " (no download source: local copies only)");
        if (options.offline()) throw new Unavailable("missing " + rel + " (offline: not downloaded)");
        Path cached = options.cacheDir().resolve("datasets").resolve(rel);
        try {
            if (spec.url() != null) {
                downloader.download(URI.create(spec.url()), cached, spec.sha256(), spec.bytes() == null ? -1 : spec.bytes(), Map.of());
                return new DataFile(rel, cached.toString(), Hashing.sha256(cached), "downloaded", spec.sha256() != null);
            }
            DatasetManifest.Archive archive = m.archives().get(spec.archive());
            Path archiveFile = archive(spec.archive(), archive);
            // The member's size when the manifest gives it, else the cap for files of unknown size.
            Archives.extract(archiveFile, archive.type(), spec.member(), cached,
                    spec.bytes() != null ? spec.bytes() : Downloader.DEFAULT_MAX_UNKNOWN_BYTES);
            String sha = Hashing.sha256(cached);
            if (spec.sha256() != null && !spec.sha256().equalsIgnoreCase(sha)) {
                Files.deleteIfExists(cached);
                throw new ChecksumMismatchException(rel + " as extracted from " + archive.url() + " failed its checksum: sha256 "
                        + sha + ", expected " + spec.sha256());
            }
            // A member without a hash of its own is vouched for only by a verified archive.
            return new DataFile(rel, cached.toString(), sha, "downloaded", spec.sha256() != null || archive.sha256() != null);
        } catch (ChecksumMismatchException e) {
            throw e;
        } catch (HarnessException e) {
            throw new Unavailable("missing " + rel + " (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean inDataDir(Path p) {
        return options.dataDir() != null && p.startsWith(options.dataDir());
    }

    /** The archive in {@code <cacheDir>/downloads}, downloaded (and verified) unless already there. */
    private Path archive(String id, DatasetManifest.Archive archive) throws IOException {
        Path file = options.cacheDir().resolve("downloads").resolve(id + "." + archive.type());
        if (Files.isRegularFile(file) && archive.sha256() != null && !checkedArchives.contains(file)) {
            String sha = Hashing.sha256(file);
            if (!sha.equalsIgnoreCase(archive.sha256())) {
                // Our own cache, not the user's file: replace it rather than stop.
                notice.accept(file + " has sha256 " + sha + ", expected " + archive.sha256() + "; downloading it again");
                Files.delete(file);
            }
        }
        if (!Files.isRegularFile(file)) {
            downloader.download(URI.create(archive.url()), file, archive.sha256(), archive.bytes() == null ? -1 : archive.bytes(),
                    Map.of());
        }
        checkedArchives.add(file);
        return file;
    }

    private static DataFile checked(String rel, DatasetManifest.FileSpec spec, Path file, String origin) {
        String sha;
        try {
            sha = Hashing.sha256(file);
        } catch (UncheckedIOException e) {
            throw HarnessException.badData("cannot read " + file + ": " + e.getCause().getMessage());
        }
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
