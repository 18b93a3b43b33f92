package org.meltharness.bench;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.meltharness.HarnessException;

/** Durations as people type them on a command line: {@code 90s}, {@code 10m}, {@code 1h30m}, {@code 500ms}, or seconds. */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    private Durations() {}

    public static Duration parse(String text) {
        String s = text.strip().toLowerCase(java.util.Locale.ROOT);
        if (s.matches("\\d+(\\.\\d+)?")) return Duration.ofMillis(Math.round(Double.parseDouble(s) * 1000));
        Matcher m = PART.matcher(s);
        long millis = 0;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) break;
            double v = Double.parseDouble(m.group(1));
            millis += Math.round(v * switch (m.group(2)) {
                case "ms" -> 1;
                case "s" -> 1000;
                case "m" -> 60_000;
                default -> 3_600_000;
            });
            end = m.end();
        }
        if (end == 0 || end != s.length()) {
            throw HarnessException.usage("not a duration: '" + text + "' (examples: 90s, 10m, 1h30m, 500ms)");
        }
        return Duration.ofMillis(millis);
    }
}
