package org.meltharness.data;

import java.net.URI;

/** Hears how a download advances (at most every half second) and when it ends. */
public interface DownloadListener {
    /**
     * @param total bytes expected in all, or -1 when the server does not say
     * @param bytesPerSecond the rate since the download (or its resumption) started
     */
    void progress(URI url, long done, long total, double bytesPerSecond);

    default void finished(URI url, long bytes) {}

    DownloadListener SILENT = (url, done, total, rate) -> {};
}
