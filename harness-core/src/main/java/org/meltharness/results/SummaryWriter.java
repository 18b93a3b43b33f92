package org.meltharness.results;

import org.meltharness.io.AtomicFiles;
import org.meltharness.io.Json;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/** Writes {@code summary.json} and {@code summary.csv}, each atomically. */
public final class SummaryWriter {
    private SummaryWriter() {}

    public static void write(Path runDir, Summary summary) {
        AtomicFiles.write(runDir.resolve("summary.json"), Json.pretty(summary));
        AtomicFiles.write(runDir.resolve("summary.csv"), csv(summary));
    }

    static String csv(Summary summary) {
        StringWriter out = new StringWriter();
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader(SummaryRow.HEADER).setRecordSeparator('\n').get();
        try (CSVPrinter printer = new CSVPrinter(out, format)) {
            for (SummaryRow row : summary.rows()) printer.printRecord(row.values());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
