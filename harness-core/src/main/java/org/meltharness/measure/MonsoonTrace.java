package org.meltharness.measure;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.meltharness.HarnessException;

/**
 * A power trace exported by a Monsoon power monitor, read from CSV and placed on the run's clock.
 *
 * <p>Columns are found by name, case and spaces ignored: a time column ({@code Time(ms)},
 * {@code Time (s)}) and either the Main channel's power ({@code Main Avg Power(mW)}, {@code Main Avg
 * Power (W)}) or its current and voltage ({@code Main(mA)} and {@code Main Voltage(V)}); power is
 * preferred. USB and Aux channels are ignored. PyMonsoon's sampleEngine writes a trailing comma on
 * every line and, despite its {@code Time(ms)} header, seconds since sampling began (its values may
 * also read {@code np.float64(1.25)}); such a file is recognised and read accordingly, with a note.
 * Rows that share a time (one USB packet) are averaged.
 */
public final class MonsoonTrace {
    public static final String NAME = "monsoon";
    public static final String CHANNEL = "main";
    private static final Pattern HEADER = Pattern.compile("(.*?)\\((\\w+)\\)");
    private static final Pattern NUMPY = Pattern.compile("np\\.float\\d+\\((.*)\\)");

    private final Path file;
    private final long[] tNanos;
    private final double[] watts;
    private final List<String> notes;

    private MonsoonTrace(Path file, long[] tNanos, double[] watts, List<String> notes) {
        this.file = file;
        this.tNanos = tNanos;
        this.watts = watts;
        this.notes = List.copyOf(notes);
    }

    /** Reads the file, its time unit taken from the header. */
    public static MonsoonTrace read(Path csv) {
        return read(csv, null);
    }

    /**
     * @param timeUnit the unit of the time column when its header is wrong about it; null to trust
     *     the header (and PyMonsoon's known quirk)
     */
    public static MonsoonTrace read(Path csv, TimeUnit timeUnit) {
        CSVFormat format = CSVFormat.DEFAULT.builder().setIgnoreEmptyLines(true).setTrim(true).get();
        try (Reader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8); CSVParser parser = format.parse(in)) {
            var rows = parser.iterator();
            if (!rows.hasNext()) throw HarnessException.badData(csv + ": empty file, expected a Monsoon CSV export");
            Columns c = Columns.of(csv, rows.next(), timeUnit);
            List<String> notes = new ArrayList<>(c.notes);
            var t = new long[1024];
            var w = new double[1024];
            int n = 0;
            long groupT = Long.MIN_VALUE;
            double groupSum = 0;
            int groupCount = 0;
            while (rows.hasNext()) {
                CSVRecord r = rows.next();
                long time = Math.round(number(csv, r, c.time) * c.nanosPerTimeUnit);
                double p = c.power >= 0 ? number(csv, r, c.power) * c.powerScale
                        : number(csv, r, c.current) * c.currentScale * number(csv, r, c.voltage) * c.voltageScale;
                if (groupCount > 0 && time < groupT) {
                    throw HarnessException.badData(csv + ": row " + r.getRecordNumber() + ": time goes backwards");
                }
                if (groupCount > 0 && time != groupT) {
                    if (n == t.length) {
                        t = Arrays.copyOf(t, n * 2);
                        w = Arrays.copyOf(w, n * 2);
                    }
                    t[n] = groupT;
                    w[n++] = groupSum / groupCount;
                    groupSum = 0;
                    groupCount = 0;
                }
                groupT = time;
                groupSum += p;
                groupCount++;
            }
            if (groupCount > 0) {
                if (n == t.length) {
                    t = Arrays.copyOf(t, n + 1);
                    w = Arrays.copyOf(w, n + 1);
                }
                t[n] = groupT;
                w[n++] = groupSum / groupCount;
            }
            if (n == 0) throw HarnessException.badData(csv + ": no samples after the header");
            return new MonsoonTrace(csv, Arrays.copyOf(t, n), Arrays.copyOf(w, n), notes);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw HarnessException.badData(csv + ": cannot read: " + e.getMessage());
        }
    }

    /** Where the needed columns are and how to scale them. */
    private record Columns(int time, double nanosPerTimeUnit, int power, double powerScale, int current, double currentScale,
            int voltage, double voltageScale, List<String> notes) {

        static Columns of(Path csv, CSVRecord header, TimeUnit override) {
            int time = -1;
            int power = -1;
            int current = -1;
            int voltage = -1;
            String timeUnit = null;
            double powerScale = 0;
            double currentScale = 0;
            double voltageScale = 0;
            for (int i = 0; i < header.size(); i++) {
                String h = header.get(i).toLowerCase(Locale.ROOT).replaceAll("\\s+", "");
                Matcher m = HEADER.matcher(h);
                if (!m.matches()) continue;
                String base = m.group(1);
                String unit = m.group(2);
                switch (base) {
                    case "time" -> {
                        time = i;
                        timeUnit = unit;
                    }
                    case "mainavgpower", "mainpower" -> {
                        power = i;
                        powerScale = scale(csv, header.get(i), unit, "w", "mw", "uw");
                    }
                    case "main", "maincurrent", "mainavgcurrent" -> {
                        current = i;
                        currentScale = scale(csv, header.get(i), unit, "a", "ma", "ua");
                    }
                    case "mainvoltage", "mainavgvoltage" -> {
                        voltage = i;
                        voltageScale = scale(csv, header.get(i), unit, "v", "mv", "uv");
                    }
                    default -> { }
                }
            }
            String columns = String.join(",", header.values());
            if (time < 0) throw HarnessException.badData(csv + ": no Time column in header '" + columns + "'");
            if (power < 0 && (current < 0 || voltage < 0)) {
                throw HarnessException.badData(csv + ": neither a Main power column nor Main current and voltage in header '" + columns + "'");
            }
            List<String> notes = new ArrayList<>();
            double nanosPerUnit;
            boolean pyMonsoon = header.get(header.size() - 1).isEmpty() && timeUnit.equals("ms");
            if (override != null) {
                nanosPerUnit = override.toNanos(1);
            } else if (pyMonsoon) {
                // sampleEngine labels the column Time(ms) but writes time.time() differences: seconds.
                nanosPerUnit = 1e9;
                notes.add(csv.getFileName() + ": PyMonsoon sampleEngine export: its Time(ms) column holds seconds");
            } else {
                nanosPerUnit = switch (timeUnit) {
                    case "s" -> 1e9;
                    case "ms" -> 1e6;
                    case "us" -> 1e3;
                    default -> throw HarnessException.badData(csv + ": unknown time unit '" + header.get(time) + "'");
                };
            }
            return new Columns(time, nanosPerUnit, power, powerScale, current, currentScale, voltage, voltageScale, notes);
        }

        /** 1, 1e-3 or 1e-6 for the base, milli and micro unit. */
        private static double scale(Path csv, String column, String unit, String base, String milli, String micro) {
            if (unit.equals(base)) return 1;
            if (unit.equals(milli)) return 1e-3;
            if (unit.equals(micro)) return 1e-6;
            throw HarnessException.badData(csv + ": unknown unit in column '" + column + "'");
        }
    }

    private static double number(Path csv, CSVRecord r, int column) {
        if (column >= r.size()) {
            throw HarnessException.badData(csv + ": row " + r.getRecordNumber() + ": " + r.size() + " fields, column " + (column + 1) + " missing");
        }
        String s = r.get(column);
        Matcher m = NUMPY.matcher(s);
        if (m.matches()) s = m.group(1).strip(); // numpy 2 writes repr(np.float64(x)) as "np.float64(x)"
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw HarnessException.badData(csv + ": row " + r.getRecordNumber() + ": not a number: '" + r.get(column) + "'");
        }
    }

    public Path file() {
        return file;
    }

    /** Distinct time points (rows sharing a time are one). */
    public int size() {
        return tNanos.length;
    }

    public Duration duration() {
        return Duration.ofNanos(tNanos[tNanos.length - 1] - tNanos[0]);
    }

    /** What reading the file assumed, for the run's notes. */
    public List<String> notes() {
        return notes;
    }

    /** The trace's power in watts, on its own clock: time 0 is the capture's start. */
    public TimeSeries series() {
        return new TimeSeries(CHANNEL, Quantity.POWER, tNanos, watts);
    }

    /**
     * The trace on the run's clock, given the run clock's reading at the trace's time 0 (from a
     * sync mark both can see, say).
     */
    public MeterTrace alignedAt(long runNanosAtTraceZero) {
        long[] t = new long[tNanos.length];
        for (int i = 0; i < t.length; i++) t[i] = tNanos[i] + runNanosAtTraceZero;
        TimeSeries s = new TimeSeries(CHANNEL, Quantity.POWER, t, watts, false);
        return new MeterTrace(NAME, PowerMeter.Scope.DEVICE, List.of(s), Optional.empty());
    }

    /** The trace on the run's clock, given the wall-clock instant its capture started. */
    public MeterTrace alignedAt(ClockAnchor run, Instant traceZero) {
        return alignedAt(run.nanosAt(traceZero));
    }
}
