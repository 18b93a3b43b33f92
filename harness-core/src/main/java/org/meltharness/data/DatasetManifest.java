package org.meltharness.data;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * One {@code datasets/<name>.yaml}: a benchmark's splits, the files each is read from, and where
 * each file can be downloaded and checked.
 */
public record DatasetManifest(
        @JsonProperty("name") String name,
        @JsonProperty("description") String description,
        @JsonProperty("licence") String licence,
        @JsonProperty("homepage") String homepage,
        @JsonProperty("citation") String citation,
        @JsonProperty("configs") Map<String, Map<String, Split>> configs,
        @JsonProperty("files") Map<String, FileSpec> files,
        @JsonProperty("archives") Map<String, Archive> archives) {

    public DatasetManifest {
        if (name == null) throw new IllegalArgumentException("'name' is required");
        if (configs == null || configs.isEmpty()) throw new IllegalArgumentException("'configs' is required");
        files = files == null ? Map.of() : Map.copyOf(files);
        archives = archives == null ? Map.of() : Map.copyOf(archives);
        for (var config : configs.values()) {
            for (Split split : config.values()) {
                for (Source source : split.sources()) {
                    for (String f : source.files()) {
                        if (!files.containsKey(f)) throw new IllegalArgumentException("file " + f + " is not under 'files'");
                    }
                }
            }
        }
        for (var e : files.entrySet()) {
            String archive = e.getValue().archive();
            if (archive != null && !archives.containsKey(archive)) {
                throw new IllegalArgumentException("file " + e.getKey() + " names unknown archive " + archive);
            }
        }
    }

    /**
     * A split: how many documents it has, and the sources it can be read from, best first.
     *
     * @param docs the expected number of documents, or null when unknown
     */
    public record Split(@JsonProperty("docs") Integer docs, @JsonProperty("sources") List<Source> sources) {
        public Split {
            if (sources == null || sources.isEmpty()) throw new IllegalArgumentException("a split needs 'sources'");
            sources = List.copyOf(sources);
        }
    }

    /** A reader over files; {@code note} says why it is not the canonical source, if it is not. */
    public record Source(
            @JsonProperty("format") String format,
            @JsonProperty("files") List<String> files,
            @JsonProperty("note") String note) {
        public Source {
            if (format == null) throw new IllegalArgumentException("a source needs 'format'");
            if (!DocReaders.formats().contains(format)) {
                throw new IllegalArgumentException("unknown format '" + format + "'; known: " + DocReaders.formats());
            }
            if (files == null || files.isEmpty()) throw new IllegalArgumentException("a source needs 'files'");
            files = List.copyOf(files);
        }
    }

    /**
     * A file: its checksum and size, and a direct {@code url} or an {@code archive} and
     * {@code member} to extract it from (neither for local-only copies).
     */
    public record FileSpec(
            @JsonProperty("sha256") String sha256,
            @JsonProperty("bytes") Long bytes,
            @JsonProperty("url") String url,
            @JsonProperty("archive") String archive,
            @JsonProperty("member") String member) {
        public FileSpec {
            if (url != null && archive != null) throw new IllegalArgumentException("a file has a url or an archive, not both");
            if (archive != null && member == null) throw new IllegalArgumentException("an archived file needs 'member'");
            checkSha256(sha256);
        }
    }

    /** A downloadable archive ({@code zip}, {@code tar} or {@code tar.gz}). */
    public record Archive(
            @JsonProperty("url") String url,
            @JsonProperty("type") String type,
            @JsonProperty("sha256") String sha256,
            @JsonProperty("bytes") Long bytes) {
        public Archive {
            if (url == null) throw new IllegalArgumentException("an archive needs 'url'");
            if (!Archives.TYPES.contains(type)) throw new IllegalArgumentException("archive type must be one of " + Archives.TYPES);
            checkSha256(sha256);
        }
    }

    /** A typo in a hash would otherwise surface only as a "corrupt file" on someone else's machine. */
    private static void checkSha256(String sha256) {
        if (sha256 != null && !sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("sha256 '" + sha256 + "' is not 64 lower-case hex digits");
        }
    }
}
