package org.meltharness.data;

import java.net.URI;
import java.util.Locale;
import java.util.function.Consumer;

/** Hears how a download advances (at most every half second) and when it ends. */
public interface DownloadListener {
    DownloadListener SILENT = (url, done, total, rate) -> {};

    /**
     * @param done bytes in the file so far, counting those a resumed download already had
     * @param total bytes expected in all, or -1 when neither the server nor the caller says
     * @param bytesPerSecond the rate since this download (or its resumption) started
     */
    void progress(URI url, long done, long total, double bytesPerSecond);

    default void finished(URI url, long bytes) {}

    /** Seconds left at the current rate, or -1 when the total or the rate is unknown. */
    static long etaSeconds(long done, long total, double bytesPerSecond) {
        if (total < 0 || bytesPerSecond <= 0 || !Double.isFinite(bytesPerSecond)) return -1;
        return (long) Math.ceil(Math.max(0, total - done) / bytesPerSecond);
    }

    /**
     * A listener that hands each progress report to {@code out} as one line, e.g.
     * {@code "hellaswag_val.jsonl: 3.1 of 12.2 MB (25%), 4.0 MB/s, 3 s left"}.
     */
    static DownloadListener lines(Consumer<String> out) {
        return (url, done, total, rate) -> out.accept(line(url, done, total, rate));
    }

    /** The text {@link #lines} reports. */
    static String line(URI url, long done, long total, double bytesPerSecond) {
        String path = url.getPath() == null ? "" : url.getPath();
        String name = path.isEmpty() ? url.toString() : path.substring(path.lastIndexOf('/') + 1);
        StringBuilder sb = new StringBuilder(name).append(": ").append(mb(done));
        if (total >= 0) sb.append(" of ").append(mb(total));
        sb.append(" MB");
        if (total > 0) sb.append(" (").append(done * 100 / total).append("%)");
        sb.append(", ").append(mb((long) bytesPerSecond)).append(" MB/s");
        long eta = etaSeconds(done, total, bytesPerSecond);
        if (eta >= 0) sb.append(", ").append(duration(eta)).append(" left");
        return sb.toString();
    }

    private static String duration(long s) {
        if (s >= 3600) return s / 3600 + " h " + s % 3600 / 60 + " min";
        if (s >= 60) return s / 60 + " min " + s % 60 + " s";
        return s + " s";
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / 1e6);
    }
}
