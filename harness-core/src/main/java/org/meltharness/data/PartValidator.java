package org.meltharness.data;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.meltharness.io.AtomicFiles;
import org.meltharness.io.Json;

/**
 * What the server said about a file when a download of it began ({@code <target>.part.validator}
 * beside the part): a resumed download asks for the rest only if the file is still that one
 * ({@code If-Range}), and drops the part when an answer shows it changed, instead of splicing two
 * versions (winogrande's zip has been re-uploaded under the same URL).
 *
 * @param etag the {@code ETag} header, or null
 * @param lastModified the {@code Last-Modified} header, or null
 * @param length the whole file's length in bytes, or -1 when the server did not say
 */
record PartValidator(
        @JsonProperty("etag") String etag,
        @JsonProperty("last_modified") String lastModified,
        @JsonProperty("length") long length) {
    private static final Pattern TOTAL = Pattern.compile("/(\\d+)\\s*$");

    static Path fileFor(Path part) {
        return part.resolveSibling(part.getFileName() + ".validator");
    }

    /** The validator of a full (200) response. */
    static PartValidator ofFull(HttpResponse<?> resp) {
        return new PartValidator(resp.headers().firstValue("ETag").orElse(null), resp.headers().firstValue("Last-Modified").orElse(null),
                resp.headers().firstValueAsLong("Content-Length").orElse(-1L));
    }

    /** The stored validator of a part, or null when there is none (or it is unreadable: then the part is not trusted). */
    static PartValidator read(Path part) {
        Path f = fileFor(part);
        if (!Files.isRegularFile(f)) return null;
        try {
            return Json.read(Files.readString(f), PartValidator.class);
        } catch (IOException e) {
            return null; // unreadable or not ours: the part is not resumed on its word
        }
    }

    void write(Path part) {
        AtomicFiles.write(fileFor(part), Json.line(this));
    }

    static void delete(Path part) throws IOException {
        Files.deleteIfExists(fileFor(part));
    }

    /**
     * The {@code If-Range} value: a strong ETag, else the date (RFC 9110 allows no weak ETag there);
     * null when the server gave neither, and then nothing proves that a later answer is the same file.
     */
    String ifRange() {
        if (etag != null && !etag.startsWith("W/")) return etag;
        return lastModified;
    }

    /**
     * Whether a partial (206) or "range not satisfiable" (416) answer shows another file than the
     * one the part began: another ETag, or another total length in {@code Content-Range}. A server
     * that ignores If-Range is caught here.
     */
    boolean contradicts(HttpResponse<?> resp) {
        String now = resp.headers().firstValue("ETag").orElse(null);
        if (etag != null && now != null && !etag.equals(now)) return true;
        String modified = resp.headers().firstValue("Last-Modified").orElse(null);
        if (etag == null && lastModified != null && modified != null && !lastModified.equals(modified)) return true;
        long total = total(resp);
        return length >= 0 && total >= 0 && total != length;
    }

    /** The whole file's length from {@code Content-Range: bytes A-B/TOTAL} (a 416 writes an asterisk for A-B), or -1. */
    static long total(HttpResponse<?> resp) {
        Matcher m = TOTAL.matcher(resp.headers().firstValue("Content-Range").orElse(""));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}
