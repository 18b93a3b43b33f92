package org.meltharness.measure;

import java.io.IOException;
import java.io.Writer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.meltharness.io.AtomicFiles;

/**
 * Measurements as CSV files with a header: the time series (one row per sample, long format, so
 * any number of sensors fits one schema) and the phase summaries (one row per window and meter).
 * Files are written beside their target and moved into place, so a reader never sees half of one.
 */
public final class MeasurementCsv {
    public static final List<String> SAMPLE_HEADER = List.of("t_s", "source", "channel", "quantity", "unit", "value");

    private MeasurementCsv() {}

    /** Every sample; {@code t_s} is seconds since sampling began. */
    public static void writeSamples(Path file, Recording recording) throws IOException {
        write(file, SAMPLE_HEADER, printer -> {
            for (Sample s : recording.samples()) {
                printer.printRecord(
                        String.format(Locale.ROOT, "%.6f", (s.tNanos() - recording.originNanos()) / 1e9),
                        s.source(), s.channel(), s.quantity().label(), s.quantity().unit(), plain(s.value()));
            }
        });
    }

    /** The summaries, columns named after the record's components in snake_case; null is an empty cell. */
    public static void writeSummaries(Path file, List<PhaseSummary> rows) throws IOException {
        RecordComponent[] components = PhaseSummary.class.getRecordComponents();
        List<String> header = new ArrayList<>();
        for (RecordComponent c : components) header.add(snake(c.getName()));
        write(file, header, printer -> {
            for (PhaseSummary row : rows) {
                List<String> cells = new ArrayList<>(components.length);
                for (RecordComponent c : components) {
                    Object v;
                    try {
                        v = c.getAccessor().invoke(row);
                    } catch (IllegalAccessException | InvocationTargetException e) {
                        throw new IllegalStateException(e);
                    }
                    cells.add(v == null ? "" : v instanceof Double d ? plain(d) : v.toString());
                }
                printer.printRecord(cells);
            }
        });
    }

    private interface Body {
        void write(CSVPrinter printer) throws IOException;
    }

    private static void write(Path file, List<String> header, Body body) throws IOException {
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader(header.toArray(String[]::new)).setRecordSeparator("\n").get();
        AtomicFiles.writeStreaming(file, out -> {
            Writer w = new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8);
            CSVPrinter printer = new CSVPrinter(w, format);
            body.write(printer);
            printer.flush(); // not closed: writeStreaming closes the stream
        });
    }

    /** Shortest exact decimal, never scientific notation (spreadsheets and pandas read both, people the first). */
    static String plain(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return Double.toString(v);
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    private static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }
}
