package org.meltharness.report;

import java.util.Locale;

/** Byte counts as people read them: KiB, MiB or GiB, "?" for unknown. */
public final class Bytes {
    private Bytes() {}

    public static String human(long bytes) {
        if (bytes < 0) return "?";
        if (bytes < 1 << 20) return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        if (bytes < 1L << 30) return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (1024.0 * 1024 * 1024));
    }
}
