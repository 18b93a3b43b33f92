package org.meltharness.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Meters, sampler, phases, summaries and CSV together, on fixture trees. */
class MeasurementEndToEndTest {
    private static final long RANGE_UJ = 262143328850L;
    private static final double WATTS = 20;

    @Test
    void aRunThroughACounterWrapGivesTheJoulesOfEachPhase(@TempDir Path dir) throws Exception {
        Path sys = Fixtures.copy("sys-laptop", dir);
        FakeClock clock = new FakeClock();
        long t0 = clock.nanos();
        // The package draws a steady 20 W, its counter 100 mJ short of the wrap. Time moves 1 ms with
        // each read of its counter, whose value is that of the moment after the read: every reading
        // is stamped the same 0.5 ms early, so phase energies are exact however the threads run.
        SysFiles.Reader cpu = p -> {
            if (p.toString().endsWith("intel-rapl:0/energy_uj")) {
                clock.advance(Duration.ofMillis(1));
                long uj = RANGE_UJ - 100_000 + Math.round(WATTS * (clock.nanos() - t0) / 1000.0);
                return Long.toString(uj % RANGE_UJ) + "\n";
            }
            return Files.readString(p);
        };
        RaplMeter rapl = RaplMeter.open(sys, cpu);
        List<Probe> probes = List.of(rapl, ThermalProbe.open(sys), CpuFrequencyProbe.open(sys), MemoryProbe.self());
        Phases phases = new Phases(clock);
        Sampler s = Sampler.start(clock, Duration.ofMillis(1), probes);
        try (s) {
            Phases.Phase prefill = phases.begin("prefill");
            SamplerTest.awaitSamples(s, s.recording().samples().size() + 40);
            prefill.end();
            Phases.Phase decode = phases.begin("decode");
            SamplerTest.awaitSamples(s, s.recording().samples().size() + 40);
            decode.end();
        }
        Recording r = s.recording(); // after close(), whose last reading covers the end of the last phase
        assertEquals(List.of(), r.notes(RaplMeter.NAME), "the wrap is no error");
        assertEquals(List.of("cpu4 left out"), r.notes().stream().map(n -> n.message().substring(0, 13)).toList(), "offline");
        MeterTrace trace = MeterTrace.of(rapl, r);
        assertEquals(List.of("package-0"), trace.channels().stream().map(TimeSeries::name).toList());
        TimeSeries pkg = trace.total();
        assertTrue(pkg.value(pkg.size() - 1) > 0.1, "ran past the wrap: " + pkg.value(pkg.size() - 1) + " J");
        List<PhaseSummary> rows = new ArrayList<>();
        for (PhaseWindow w : phases.windows()) {
            PhaseSummary p = PhaseSummary.of(w, trace, r, OptionalLong.of(10), OptionalLong.of(1 << 20));
            assertEquals(WATTS * w.durationSeconds(), p.joules(), 1e-5, w.name());
            assertEquals(WATTS, p.meanWatts(), 1e-3);
            assertEquals(WATTS, p.maxWatts(), 1e-3);
            assertEquals(p.joules() / 10, p.joulesPerToken(), 1e-12);
            assertEquals(67.0, p.endCelsius());
            assertTrue(p.peakResidentBytes() > 0);
            rows.add(p);
        }
        Path csv = dir.resolve("out/timeseries.csv");
        MeasurementCsv.writeSamples(csv, r);
        assertEquals(r.samples().size() + 1, Files.readAllLines(csv).size());
        MeasurementCsv.writeSummaries(dir.resolve("out/phases.csv"), rows);
        assertEquals(3, Files.readAllLines(dir.resolve("out/phases.csv")).size());
    }
}
