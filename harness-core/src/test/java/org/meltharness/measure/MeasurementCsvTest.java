package org.meltharness.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeasurementCsvTest {
    private static List<CSVRecord> read(Path f) throws Exception {
        try (var p = CSVFormat.DEFAULT.builder().setHeader().get().parse(Files.newBufferedReader(f))) {
            return p.getRecords();
        }
    }

    @Test
    void samplesAreOneRowEachWithSecondsSinceTheStart(@TempDir Path dir) throws Exception {
        Recording r = new Recording(7_000_000_000L, List.of(
                new Sample(7_000_000_000L, "memory", "rss", Quantity.BYTES, 1_887_453_184d),
                new Sample(7_500_000_000L, "thermal", "thermal_zone0:acpitz, \"main\"", Quantity.TEMPERATURE, 45.5),
                new Sample(7_500_001_000L, "rapl", "package-0", Quantity.ENERGY, 0.000012)),
                List.of(), Map.of());
        Path f = dir.resolve("run/timeseries.csv");
        MeasurementCsv.writeSamples(f, r);
        assertEquals("t_s,source,channel,quantity,unit,value", Files.readAllLines(f).getFirst());
        List<CSVRecord> rows = read(f);
        assertEquals(3, rows.size());
        assertEquals(List.of("0.000000", "memory", "rss", "bytes", "B", "1887453184"), rows.get(0).toList());
        assertEquals(List.of("0.500000", "thermal", "thermal_zone0:acpitz, \"main\"", "temperature", "degC", "45.5"), rows.get(1).toList());
        assertEquals("0.000012", rows.get(2).get("value"), "no scientific notation");
        assertEquals(List.of("timeseries.csv"), Files.list(f.getParent()).map(p -> p.getFileName().toString()).toList());
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f)),
                "results are shared like every other file of a run");
    }

    @Test
    void summariesHaveSnakeCaseColumnsAndEmptyCellsForWhatWasNotMeasured(@TempDir Path dir) throws Exception {
        Recording r = PhaseSummaryTest.recording();
        long o = r.originNanos();
        var none = MeterTrace.unavailable("none", PowerMeter.Scope.DEVICE, "no power meter");
        var rows = List.of(PhaseSummary.of(new PhaseWindow("load", o, o + 1_000_000_000L), none, r, OptionalLong.of(3), OptionalLong.empty()));
        Path f = dir.resolve("phases.csv");
        MeasurementCsv.writeSummaries(f, rows);
        assertEquals("phase,start_seconds,duration_seconds,meter,scope,joules,mean_watts,max_watts,tokens,joules_per_token,"
                + "energy_unavailable,start_celsius,end_celsius,hottest_sensor,peak_resident_bytes,kv_cache_bytes",
                Files.readAllLines(f).getFirst());
        CSVRecord row = read(f).getFirst();
        assertEquals("", row.get("joules"), "unavailable is an empty cell, not 0");
        assertEquals("no power meter", row.get("energy_unavailable"));
        assertEquals("3", row.get("tokens"));
        assertEquals("45", row.get("start_celsius"));
        assertEquals("", row.get("kv_cache_bytes"));
    }
}
