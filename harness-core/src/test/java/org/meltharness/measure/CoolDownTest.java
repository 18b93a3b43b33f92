package org.meltharness.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CoolDownTest {
    private static final String PKG = "class/thermal/thermal_zone10/temp";

    @Test
    void waitsUntilTheHottestZoneIsBelowTheThreshold(@TempDir Path dir) throws Exception {
        Path sys = Fixtures.copy("sys-laptop", dir);
        // The package cools 5 degrees per second of waiting: 67, 62, 57, 52, 47, 42.
        FakeClock clock = new FakeClock(c -> Fixtures.write(sys.resolve(PKG), 67000 - 5000 * c.sleeps()));
        var r = new CoolDown(ThermalProbe.open(sys)).waitUntilBelow(46, Duration.ofMinutes(5), clock);
        assertEquals(CoolDown.Outcome.REACHED, r.outcome());
        assertEquals(Duration.ofSeconds(5), r.waited(), "47 is not below 46; 42 is");
        assertEquals(67.0, r.startCelsius().get("thermal_zone10:x86_pkg_temp"));
        assertEquals(42.0, r.endCelsius().get("thermal_zone10:x86_pkg_temp"));
        assertEquals(Map.entry("thermal_zone0:acpitz", 45.0), r.hottestAtEnd().orElseThrow());
    }

    @Test
    void timesOutAtTheDeadlineWithTheLastTemperatures(@TempDir Path dir) throws Exception {
        Path sys = Fixtures.copy("sys-laptop", dir);
        FakeClock clock = new FakeClock();
        var r = new CoolDown(ThermalProbe.open(sys), Duration.ofSeconds(3), z -> true).waitUntilBelow(60, Duration.ofSeconds(10), clock);
        assertEquals(CoolDown.Outcome.TIMED_OUT, r.outcome());
        assertEquals(Duration.ofSeconds(10), r.waited(), "polls at 0, 3, 6, 9 and 10 s");
        assertEquals(4, clock.sleeps());
        assertEquals(67.0, r.hottestAtEnd().orElseThrow().getValue());
    }

    @Test
    void alreadyCoolReturnsAtOnce(@TempDir Path dir) throws Exception {
        FakeClock clock = new FakeClock();
        var r = new CoolDown(ThermalProbe.open(Fixtures.copy("sys-laptop", dir))).waitUntilBelow(90, Duration.ofMinutes(1), clock);
        assertTrue(r.reached());
        assertEquals(Duration.ZERO, r.waited());
        assertEquals(0, clock.sleeps());
    }

    @Test
    void onlyTheSelectedZonesCount(@TempDir Path dir) throws Exception {
        Path sys = Fixtures.copy("sys-laptop", dir);
        Fixtures.write(sys.resolve("class/thermal/thermal_zone0/temp"), 80000); // a zone that will not cool
        FakeClock clock = new FakeClock(c -> Fixtures.write(sys.resolve(PKG), 67000 - 5000 * c.sleeps()));
        var probe = ThermalProbe.open(sys);
        var onlyPackage = new CoolDown(probe, Duration.ofSeconds(1), z -> z.endsWith("x86_pkg_temp"));
        var r = onlyPackage.waitUntilBelow(50, Duration.ofMinutes(1), clock);
        assertEquals(CoolDown.Outcome.REACHED, r.outcome());
        assertEquals(Duration.ofSeconds(4), r.waited());
        assertEquals(Map.of("thermal_zone10:x86_pkg_temp", 47.0), r.endCelsius());

        var every = new CoolDown(probe, Duration.ofSeconds(1), z -> true).waitUntilBelow(50, Duration.ofSeconds(3), new FakeClock());
        assertEquals(CoolDown.Outcome.TIMED_OUT, every.outcome(), "the 80-degree zone holds it");
        assertEquals(CoolDown.Outcome.NO_SENSORS,
                new CoolDown(probe, Duration.ofSeconds(1), z -> false).waitUntilBelow(50, Duration.ofSeconds(3), new FakeClock()).outcome());
    }

    @Test
    void aZoneThatDisappearsWhileWaitingIsNotedAndTheWaitGoesOn(@TempDir Path dir) throws Exception {
        Path sys = Fixtures.copy("sys-laptop", dir);
        FakeClock clock = new FakeClock(c -> {
            try {
                Files.deleteIfExists(sys.resolve("class/thermal/thermal_zone2/temp"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Fixtures.write(sys.resolve(PKG), 30000);
        });
        var r = new CoolDown(ThermalProbe.open(sys)).waitUntilBelow(50, Duration.ofMinutes(1), clock);
        assertEquals(CoolDown.Outcome.REACHED, r.outcome());
        assertEquals(List.of("thermal_zone2:iwlwifi_1 dropped: " + sys.resolve("class/thermal/thermal_zone2/temp") + " disappeared"), r.notes());
        assertEquals(3, r.endCelsius().size());
    }
}
