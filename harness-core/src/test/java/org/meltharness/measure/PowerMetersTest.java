package org.meltharness.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PowerMetersTest {
    @Test
    void aLaptopWithoutAGpuHasRaplOnly(@TempDir Path dir) {
        var all = PowerMeters.local(Fixtures.copy("sys-laptop", dir), List.of(dir.resolve("nvidia-smi").toString()));
        assertEquals(List.of("rapl", "nvidia", "jetson"), all.stream().map(PowerMeter::name).toList());
        assertEquals(List.of("rapl"), PowerMeters.available(all).stream().map(PowerMeter::name).toList());
    }

    @Test
    void noMeterGivesOneLineSayingWhyForEach(@TempDir Path dir) {
        var all = PowerMeters.local(dir, List.of(dir.resolve("nvidia-smi").toString()));
        assertEquals(List.of(), PowerMeters.available(all));
        String why = PowerMeters.whyNone(all);
        assertTrue(why.startsWith("no power meter: rapl: no " + dir.resolve("class/powercap") + " (not Linux"), why);
        assertTrue(why.contains("; nvidia: nvidia-smi not found") && why.contains("; jetson: no INA3221 rails"), why);
        var recording = new Recording(0, List.of(), List.of(), java.util.Map.of());
        var traces = PowerMeters.traces(all, recording);
        assertEquals(1, traces.size());
        assertEquals("none", traces.getFirst().meter());
        assertEquals(java.util.Optional.of(why), traces.getFirst().unavailable());
    }

    @Test
    void aMeterThatWasNeverReadHasATraceSayingSo(@TempDir Path dir) {
        var all = PowerMeters.local(Fixtures.copy("sys-laptop", dir), List.of(dir.resolve("nvidia-smi").toString()));
        var traces = PowerMeters.traces(all, new Recording(0, List.of(), List.of(), java.util.Map.of()));
        assertEquals(List.of("rapl"), traces.stream().map(MeterTrace::meter).toList());
        assertEquals(java.util.Optional.of("no power readings from rapl"), traces.getFirst().unavailable());
    }
}
