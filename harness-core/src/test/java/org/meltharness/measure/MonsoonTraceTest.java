package org.meltharness.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.HarnessException;

class MonsoonTraceTest {
    private static final long S = 1_000_000_000L;

    private static double joules(MeterTrace m, long from, long to) {
        return EnergyIntegrator.integrate(m, new PhaseWindow("run", from, to), OptionalLong.empty()).joules().getAsDouble();
    }

    @Test
    void pyMonsoonExportIsReadInSecondsWithPacketsAveraged() {
        MonsoonTrace t = MonsoonTrace.read(Fixtures.resource("monsoon/pymonsoon-sampleengine.csv"));
        assertEquals(List.of("pymonsoon-sampleengine.csv: PyMonsoon sampleEngine export: its Time(ms) column holds seconds"), t.notes());
        TimeSeries s = t.series();
        assertEquals(4, s.size(), "rows sharing a timestamp are one point");
        assertEquals(S / 2, s.time(1));
        assertEquals(3.0, s.value(1), 1e-12, "mean of 1, 1 and 7 W");
        assertEquals(Duration.ofSeconds(2), t.duration());
        long offset = 42 * S;
        assertEquals(0.5 * 3.5 + 0.5 * 3.5 + 6, joules(t.alignedAt(offset), offset, offset + 2 * S), 1e-9);
    }

    @Test
    void aPlainExportTrustsItsMillisecondHeader() {
        MonsoonTrace t = MonsoonTrace.read(Fixtures.resource("monsoon/time-ms.csv"));
        assertEquals(List.of(), t.notes());
        assertEquals(List.of(0L, S / 2, S, 2 * S), List.of(t.series().time(0), t.series().time(1), t.series().time(2), t.series().time(3)));
        assertEquals(1.5 + 1.5 + 6, joules(t.alignedAt(0), 0, 2 * S), 1e-9);
    }

    @Test
    void aPowerToolExportUsesItsAveragePowerColumn() {
        MonsoonTrace t = MonsoonTrace.read(Fixtures.resource("monsoon/powertool-avg-power.csv"));
        TimeSeries s = t.series();
        assertEquals(6, s.size());
        assertEquals(4.12053, s.value(0), 1e-12, "Main Avg Power(mW), not Main(mA) times Main Voltage(V)");
        assertEquals(200_000L, s.time(1));
        assertEquals(Duration.ofMillis(1), t.duration());
    }

    @Test
    void theTimeUnitCanBeOverridden() {
        assertEquals(Duration.ofMillis(2), MonsoonTrace.read(Fixtures.resource("monsoon/pymonsoon-sampleengine.csv"), TimeUnit.MILLISECONDS).duration());
    }

    @Test
    void alignedByTheWallClockTimeItsCaptureStarted() {
        MonsoonTrace t = MonsoonTrace.read(Fixtures.resource("monsoon/time-ms.csv"));
        ClockAnchor run = new ClockAnchor(Instant.parse("2026-03-02T10:00:00Z"), 5 * S);
        MeterTrace m = t.alignedAt(run, Instant.parse("2026-03-02T10:00:01.500Z"));
        assertEquals(6_500_000_000L, m.total().time(0));
        assertEquals(PowerMeter.Scope.DEVICE, m.scope());
        assertEquals("monsoon", m.meter());
    }

    @Test
    void malformedExportsAreBadDataNamingTheFile(@TempDir Path dir) throws Exception {
        Path noPower = dir.resolve("a.csv");
        Files.writeString(noPower, "Time(ms),USB(mA),USB Voltage(V)\n0,1,5\n");
        var e = assertThrows(HarnessException.class, () -> MonsoonTrace.read(noPower));
        assertEquals(HarnessException.BAD_DATA, e.exitCode());
        assertTrue(e.getMessage().startsWith(noPower + ": neither a Main power column"), e.getMessage());

        Path text = dir.resolve("b.csv");
        Files.writeString(text, "Time(ms),Main(mA),Main Voltage(V)\n0,1,4\n1,n/a,4\n");
        assertEquals(text + ": row 3: not a number: 'n/a'", assertThrows(HarnessException.class, () -> MonsoonTrace.read(text)).getMessage());

        Path backwards = dir.resolve("c.csv");
        Files.writeString(backwards, "Time(s),Main Avg Power(W)\n1,4\n0,4\n");
        assertEquals(backwards + ": row 3: time goes backwards", assertThrows(HarnessException.class, () -> MonsoonTrace.read(backwards)).getMessage());

        Path empty = dir.resolve("d.csv");
        Files.writeString(empty, "Time(s),Main Avg Power(W)\n");
        assertEquals(empty + ": no samples after the header", assertThrows(HarnessException.class, () -> MonsoonTrace.read(empty)).getMessage());
    }
}
