package org.meltharness.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.meltharness.measure.MeterTrace;
import org.meltharness.measure.PhaseWindow;
import org.meltharness.measure.PowerMeter;
import org.meltharness.measure.Quantity;
import org.meltharness.measure.TimeSeries;

/** Energy over a phase's windows and per token; unavailable is never 0. */
class PhaseEnergyTest {
    private static final long S = 1_000_000_000L;

    @Test
    void sumsTheWindowsOfAPhase() {
        // 10 W read every second for 10 s.
        long[] t = new long[11];
        double[] w = new double[11];
        for (int i = 0; i <= 10; i++) {
            t[i] = i * S;
            w[i] = 10;
        }
        MeterTrace meter = new MeterTrace("rapl", PowerMeter.Scope.PACKAGE, List.of(new TimeSeries("package-0", Quantity.POWER, t, w)),
                Optional.empty());
        PhaseEnergy e = PhaseEnergy.of("decode", meter, List.of(new PhaseWindow("decode", S, 2 * S), new PhaseWindow("decode", 3 * S, 5 * S)),
                OptionalLong.of(6));
        assertTrue(e.available());
        assertEquals(30.0, e.joules(), 1e-9);
        assertEquals(5.0, e.joulesPerToken(), 1e-9);
        assertEquals(10.0, e.meanWatts(), 1e-9);
        assertEquals(3.0, e.seconds(), 1e-9);
        assertEquals("package", e.scope());

        PhaseEnergy beyond = PhaseEnergy.of("decode", meter, List.of(new PhaseWindow("decode", 9 * S, 11 * S)), OptionalLong.of(6));
        assertFalse(beyond.available(), "a window the readings do not cover");
        assertNull(beyond.joulesPerToken());
        assertTrue(beyond.unavailable().contains("no reading at or after the end"), beyond.unavailable());
    }

    @Test
    void noMeterIsUnavailableWithItsReason() {
        MeterTrace none = MeterTrace.unavailable("none", PowerMeter.Scope.DEVICE, "no power meter: rapl: no powercap");
        PhaseEnergy e = PhaseEnergy.of("prefill", none, List.of(new PhaseWindow("prefill", 0, S)), OptionalLong.of(10));
        assertNull(e.joules());
        assertNull(e.joulesPerToken());
        assertEquals("no power meter: rapl: no powercap", e.unavailable());
        assertEquals(10L, e.tokens());
    }
}
