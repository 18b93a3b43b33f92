package org.meltharness.bench;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/**
 * The progress line of a bench run on stderr: turns done of the total (or time of a sustained
 * run's duration), turns/s, output tok/s and time left. On a terminal it rewrites one line; into a
 * file or pipe it prints one every ten seconds.
 */
public final class BenchProgress {
    private static final long TTY_INTERVAL_NANOS = 250_000_000L;
    private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

    private final PrintWriter err;
    private final boolean terminal;
    private final int totalTurns;
    private final Duration sustained;
    private final long start = System.nanoTime();
    private long lastPrint;
    private int done;
    private long outputTokens;
    private boolean printed;

    /**
     * @param totalTurns turns the run will make, warm-up included; ignored when {@code sustained} is set
     * @param sustained the length of a sustained run, or null
     */
    public BenchProgress(PrintWriter err, boolean terminal, int totalTurns, Duration sustained) {
        this.err = err;
        this.terminal = terminal;
        this.totalTurns = totalTurns;
        this.sustained = sustained;
    }

    public void advance(TurnRecord turn) {
        done++;
        outputTokens += turn.metrics().outputTokens();
        long now = System.nanoTime();
        if ((sustained == null && done >= totalTurns) || now - lastPrint >= (terminal ? TTY_INTERVAL_NANOS : LOG_INTERVAL_NANOS)) {
            lastPrint = now;
            String line = line(now);
            err.print(terminal ? "\r" + line + "\u001b[K" : line + "\n");
            err.flush();
            printed = true;
        }
    }

    /** Ends the line on a terminal. */
    public void finish() {
        if (terminal && printed) err.println();
        err.flush();
    }

    String line(long now) {
        double seconds = (now - start) / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        double tokRate = seconds > 0 ? outputTokens / seconds : 0;
        String of;
        String eta;
        if (sustained != null) {
            long total = sustained.toSeconds();
            of = String.format(Locale.ROOT, "%d turns, %.0f/%ds", done, seconds, total);
            eta = format(Duration.ofSeconds(Math.max(0, Math.round(total - seconds))));
        } else {
            int pct = totalTurns == 0 ? 100 : (int) (100L * done / totalTurns);
            of = String.format(Locale.ROOT, "%d/%d turns (%d%%)", done, totalTurns, pct);
            eta = rate > 0 && done < totalTurns ? format(Duration.ofSeconds(Math.round((totalTurns - done) / rate))) : "-";
        }
        return String.format(Locale.ROOT, "bench %s %.2f turns/s %.1f tok/s out ETA %s", of, rate, tokRate, eta);
    }

    static String format(Duration d) {
        long s = d.toSeconds();
        if (s >= 3600) return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
        if (s >= 60) return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        return s + "s";
    }
}
