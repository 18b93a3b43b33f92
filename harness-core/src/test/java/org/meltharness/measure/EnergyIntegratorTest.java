package org.meltharness.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class EnergyIntegratorTest {
    private static final long S = 1_000_000_000L;

    private static TimeSeries series(Quantity q, double... secondsAndValues) {
        long[] t = new long[secondsAndValues.length / 2];
        double[] v = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = Math.round(secondsAndValues[2 * i] * S);
            v[i] = secondsAndValues[2 * i + 1];
        }
        return new TimeSeries("c", q, t, v);
    }

    private static PhaseWindow window(double from, double to) {
        return new PhaseWindow("decode", Math.round(from * S), Math.round(to * S));
    }

    @Test
    void powerIsIntegratedByTrapezoidsInterpolatedAtTheEdges() {
        TimeSeries p = series(Quantity.POWER, 0, 10, 1, 20, 2, 10, 3, 30);
        Energy e = EnergyIntegrator.integrate("m", p, window(0.5, 2.5), OptionalLong.of(5));
        // 0.5..1: (15+20)/2*0.5 = 8.75; 1..2: 15; 2..2.5: (10+20)/2*0.5 = 7.5
        assertEquals(31.25, e.joules().getAsDouble(), 1e-9);
        assertEquals(15.625, e.meanWatts().getAsDouble(), 1e-9);
        assertEquals(20, e.maxWatts().getAsDouble(), 1e-9);
        assertEquals(6.25, e.joulesPerToken().getAsDouble(), 1e-9);
        assertEquals(2, e.samples());
        assertEquals(Optional.empty(), e.unavailable());
    }

    @Test
    void energyCountersAreDifferencedAtTheEdges() {
        TimeSeries c = series(Quantity.ENERGY, 0, 100, 1, 110, 2, 130, 3, 131);
        Energy e = EnergyIntegrator.integrate("rapl", c, window(0.5, 2.5), OptionalLong.empty());
        assertEquals(130.5 - 105, e.joules().getAsDouble(), 1e-9);
        assertEquals(20, e.maxWatts().getAsDouble(), 1e-9, "steepest stretch: 1..2 s");
        assertEquals(OptionalDouble.empty(), e.joulesPerToken(), "no tokens given");
    }

    @Test
    void aWindowBetweenTwoReadingsIsInterpolatedAndSaysSo() {
        TimeSeries p = series(Quantity.POWER, 0, 10, 1, 20, 2, 10);
        Energy e = EnergyIntegrator.integrate("m", p, window(1.2, 1.4), OptionalLong.of(0));
        assertEquals(0.2 * 17, e.joules().getAsDouble(), 1e-9);
        assertEquals(0, e.samples());
        assertEquals(OptionalDouble.empty(), e.joulesPerToken(), "zero tokens: no per-token figure");
    }

    @Test
    void aWindowTheReadingsDoNotCoverIsUnavailableNeverZero() {
        TimeSeries p = series(Quantity.POWER, 1, 10, 2, 10);
        Energy before = EnergyIntegrator.integrate("m", p, window(0.5, 1.5), OptionalLong.of(3));
        assertFalse(before.available());
        assertEquals(OptionalDouble.empty(), before.joules());
        assertEquals(OptionalDouble.empty(), before.joulesPerToken());
        assertEquals("no reading at or before the start of m in phase 'decode' (the first is 0.500 s after it)", before.unavailable().get());
        Energy after = EnergyIntegrator.integrate("m", p, window(1.5, 2.25), OptionalLong.empty());
        assertEquals("no reading at or after the end of m in phase 'decode' (the last is 0.250 s before it)", after.unavailable().get());
        Energy none = EnergyIntegrator.integrate("m", series(Quantity.POWER), window(0, 1), OptionalLong.empty());
        assertEquals("no readings from m", none.unavailable().get());
    }

    @Test
    void noMeterMeansUnavailableWithTheReason() {
        MeterTrace absent = MeterTrace.unavailable("nvidia", PowerMeter.Scope.ACCELERATOR, "nvidia-smi not found");
        Energy e = EnergyIntegrator.integrate(absent, window(0, 1), OptionalLong.of(10));
        assertEquals(Optional.of("nvidia-smi not found"), e.unavailable());
        assertEquals(OptionalDouble.empty(), e.joules());
        assertEquals(OptionalLong.of(10), e.tokens(), "tokens are still reported");
        assertThrows(IllegalArgumentException.class, () -> new Energy("p", "m", OptionalDouble.of(0), OptionalDouble.empty(),
                OptionalDouble.empty(), OptionalLong.empty(), 0, Optional.of("why")));
    }

    @Test
    void aMetersTotalSumsItsChannelsAndEndsWhereOneStops() {
        TimeSeries pkg = series(Quantity.ENERGY, 0, 0, 1, 10, 2, 20, 3, 30);
        TimeSeries dram = series(Quantity.ENERGY, 0, 0, 1, 2, 2, 4); // stopped before 3 s
        MeterTrace m = new MeterTrace("rapl", PowerMeter.Scope.PACKAGE, List.of(pkg, dram), Optional.empty());
        assertEquals(12, EnergyIntegrator.integrate(m, window(0, 1), OptionalLong.empty()).joules().getAsDouble(), 1e-9);
        Energy late = EnergyIntegrator.integrate(m, window(1.5, 2.5), OptionalLong.empty());
        assertTrue(late.unavailable().orElseThrow().startsWith("no reading at or after the end"), late.toString());
    }

    @Test
    void aCounterThatGoesBackwardsIsUnavailable() {
        TimeSeries c = series(Quantity.ENERGY, 0, 100, 1, 50);
        assertTrue(EnergyIntegrator.integrate("m", c, window(0, 1), OptionalLong.empty()).unavailable().orElseThrow().contains("went backwards"));
    }

    @Test
    void temperatureIsNoEnergy() {
        assertThrows(IllegalArgumentException.class,
                () -> EnergyIntegrator.integrate("m", series(Quantity.TEMPERATURE, 0, 1, 1, 1), window(0, 1), OptionalLong.empty()));
        assertThrows(IllegalArgumentException.class, () -> window(1, 1));
    }
}
