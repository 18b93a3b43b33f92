package org.meltharness.results;

import org.meltharness.io.AtomicFiles;
import org.meltharness.io.Json;
import java.nio.file.Path;
import java.util.List;
import org.meltharness.table.Table;
import org.meltharness.table.TableFormat;

/** Writes {@code summary.json} and {@code summary.csv}, each atomically. */
public final class SummaryWriter {
    private SummaryWriter() {}

    public static void write(Path runDir, Summary summary) {
        AtomicFiles.write(runDir.resolve("summary.json"), Json.pretty(summary));
        AtomicFiles.write(runDir.resolve("summary.csv"), csv(summary));
    }

    static String csv(Summary summary) {
        return TableFormat.CSV.render(Table.of("summary", null, SummaryRow.DATA, summary.rows(), List.of()));
    }
}
