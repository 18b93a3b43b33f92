package org.meltharness.eval;

import java.io.PrintWriter;
import java.time.Duration;

/**
 * The progress line of a long run: done/total, documents per second and time left. On a terminal
 * it rewrites one line; into a file or pipe it prints a line every few seconds.
 */
public final class Progress {
    private static final long TTY_INTERVAL_NANOS = 250_000_000L;
    private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

    private final PrintWriter err;
    private final boolean terminal;
    private final String label;
    private final int total;
    private final long start = System.nanoTime();
    private long lastPrint = 0;
    private int done;
    private boolean printed;

    public Progress(PrintWriter err, boolean terminal, String label, int total) {
        this.err = err;
        this.terminal = terminal;
        this.label = label;
        this.total = total;
    }

    public void advance(int docs) {
        done += docs;
        long now = System.nanoTime();
        if (done >= total || now - lastPrint >= (terminal ? TTY_INTERVAL_NANOS : LOG_INTERVAL_NANOS)) {
            lastPrint = now;
            print(now);
        }
    }

    /** Ends the line on a terminal. */
    public void finish() {
        if (terminal && printed) err.println();
        err.flush();
    }

    private void print(long now) {
        String line = line(now);
        if (terminal) {
            err.print("\r" + line + "\u001b[K");
        } else {
            err.println(line);
        }
        err.flush();
        printed = true;
    }

    String line(long now) {
        double seconds = (now - start) / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        String eta = rate > 0 && done < total ? format(Duration.ofSeconds(Math.round((total - done) / rate))) : "-";
        int pct = total == 0 ? 100 : (int) (100L * done / total);
        return String.format(java.util.Locale.ROOT, "%s %d/%d (%d%%) %.1f docs/s ETA %s", label, done, total, pct, rate,
                eta);
    }

    static String format(Duration d) {
        long s = d.toSeconds();
        if (s >= 3600) return String.format("%dh%02dm", s / 3600, (s % 3600) / 60);
        if (s >= 60) return String.format("%dm%02ds", s / 60, s % 60);
        return s + "s";
    }
}
