package org.meltharness.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.meltharness.io.Json;

class PhaseSummaryTest {
    private static final long S = 1_000_000_000L;
    private static final long ORIGIN = 50 * S;

    /** One second apart from the origin: 2 W rising by 1 W a second, two thermal zones, memory. */
    static Recording recording() {
        List<Sample> s = new ArrayList<>();
        for (int i = 0; i <= 10; i++) {
            long t = ORIGIN + i * S;
            s.add(new Sample(t, "jetson", "VDD_IN", Quantity.POWER, 2 + i));
            s.add(new Sample(t, "jetson", "VDD_SOC", Quantity.POWER, 1));
            s.add(new Sample(t, "thermal", "thermal_zone0:cpu-thermal", Quantity.TEMPERATURE, 40 + i));
            s.add(new Sample(t, "thermal", "thermal_zone1:gpu-thermal", Quantity.TEMPERATURE, 45));
            s.add(new Sample(t, "memory", MemoryProbe.RSS, Quantity.BYTES, i == 6 ? 900 : 100 * i));
        }
        return new Recording(ORIGIN, s, List.of(), Map.of());
    }

    @Test
    void summarisesEnergyTemperatureAndMemoryOfOneWindow() {
        Recording r = recording();
        MeterTrace m = new MeterTrace("jetson", PowerMeter.Scope.RAIL, List.of(r.series("jetson", "VDD_IN", Quantity.POWER)), Optional.empty());
        PhaseWindow w = new PhaseWindow("prefill", ORIGIN + 2 * S, ORIGIN + 7 * S + S / 2);
        PhaseSummary p = PhaseSummary.of(w, m, r, OptionalLong.of(11), OptionalLong.of(4096));
        assertEquals("prefill", p.phase());
        assertEquals(2.0, p.startSeconds());
        assertEquals(5.5, p.durationSeconds());
        assertEquals("rail", p.scope());
        // power 2 + t over t = 2..7.5: mean of 4 and 9.5 times 5.5 s
        assertEquals(5.5 * (4 + 9.5) / 2, p.joules(), 1e-9);
        assertEquals(6.75, p.meanWatts(), 1e-9);
        assertEquals(9.5, p.maxWatts(), 1e-9);
        assertEquals(5.5 * 6.75 / 11, p.joulesPerToken(), 1e-9);
        assertEquals(null, p.energyUnavailable());
        assertEquals(45.0, p.startCelsius(), "gpu zone hotter at the start");
        assertEquals(47.5, p.endCelsius(), 1e-9, "cpu zone interpolated at 7.5 s");
        assertEquals("thermal/thermal_zone0:cpu-thermal", p.hottestSensor());
        assertEquals(900L, p.peakResidentBytes());
        assertEquals(4096L, p.kvCacheBytes());
    }

    @Test
    void aShortWindowStillGetsTheResidentSetAroundIt() {
        Recording r = recording();
        MeterTrace m = MeterTrace.unavailable("rapl", PowerMeter.Scope.PACKAGE, "no powercap");
        PhaseSummary p = PhaseSummary.of(new PhaseWindow("decode", ORIGIN + 3 * S + 1, ORIGIN + 3 * S + 5), m, r,
                OptionalLong.empty(), OptionalLong.empty());
        assertEquals(400L, p.peakResidentBytes(), "the readings at 3 s and 4 s bracket it");
    }

    @Test
    void unavailableEnergyIsLeftOutOfJsonWithItsReason() throws Exception {
        Recording r = recording();
        MeterTrace none = MeterTrace.unavailable("none", PowerMeter.Scope.DEVICE, "no power meter: rapl: no powercap");
        PhaseSummary p = PhaseSummary.of(new PhaseWindow("load", ORIGIN, ORIGIN + S), none, r, OptionalLong.of(7), OptionalLong.empty());
        JsonNode json = Json.mapper().readTree(Json.line(p));
        assertFalse(json.has("joules"), json.toString());
        assertFalse(json.has("joules_per_token"));
        assertEquals("no power meter: rapl: no powercap", json.get("energy_unavailable").asText());
        assertEquals(7, json.get("tokens").asInt());
        assertTrue(json.has("start_celsius"));
    }
}
