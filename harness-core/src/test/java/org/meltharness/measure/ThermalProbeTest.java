package org.meltharness.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThermalProbeTest {
    @Test
    void readsEveryZoneInNaturalOrderInCelsius(@TempDir Path dir) {
        ThermalProbe p = ThermalProbe.open(Fixtures.copy("sys-laptop", dir));
        List<Reading> r = p.read(n -> {});
        assertEquals(List.of("thermal_zone0:acpitz", "thermal_zone1:INT3400 Thermal", "thermal_zone2:iwlwifi_1",
                "thermal_zone10:x86_pkg_temp"), r.stream().map(Reading::channel).toList());
        assertEquals(List.of(45.0, 20.0, 38.0, 67.0), r.stream().map(Reading::value).toList());
        assertTrue(r.stream().allMatch(x -> x.quantity() == Quantity.TEMPERATURE));
    }

    @Test
    void aZoneRemovedMidRunIsDroppedFromLaterSamplesWithANote(@TempDir Path dir) throws Exception {
        Path sys = Fixtures.copy("sys-laptop", dir);
        ThermalProbe p = ThermalProbe.open(sys);
        List<String> notes = new ArrayList<>();
        assertEquals(4, p.read(notes::add).size());
        Path wifi = sys.resolve("class/thermal/thermal_zone2");
        Files.delete(wifi.resolve("temp"));
        Files.delete(wifi.resolve("type"));
        Files.delete(wifi);
        List<Reading> after = p.read(notes::add);
        assertEquals(3, after.size());
        assertTrue(after.stream().noneMatch(r -> r.channel().contains("iwlwifi")));
        assertEquals(List.of("thermal_zone2:iwlwifi_1 dropped: " + wifi.resolve("temp") + " disappeared"), notes);
        Files.createDirectories(wifi);
        Fixtures.write(wifi.resolve("temp"), 40000);
        assertEquals(3, p.read(notes::add).size(), "a dropped zone stays dropped");
        assertEquals(3, p.zones());
    }

    @Test
    void aZoneThatFailsToReadIsDroppedNotFatal(@TempDir Path dir) throws Exception {
        Path sys = Fixtures.copy("sys-laptop", dir);
        ThermalProbe p = ThermalProbe.open(sys);
        Path temp = sys.resolve("class/thermal/thermal_zone0/temp");
        // An I/O error on read (ENODATA from a Wi-Fi zone whose radio is off, say), reproduced as a
        // path that can no longer be read as a file.
        Files.delete(temp);
        Files.createDirectory(temp);
        List<String> notes = new ArrayList<>();
        assertEquals(List.of(20.0, 38.0, 67.0), p.read(notes::add).stream().map(Reading::value).toList());
        assertEquals(1, notes.size());
        assertTrue(notes.getFirst().startsWith("thermal_zone0:acpitz dropped: " + temp), notes.getFirst());
    }

    @Test
    void anUnreadableZoneAtStartIsLeftOutAndNoZonesIsUnavailable(@TempDir Path dir) throws Exception {
        Path sys = Fixtures.copy("sys-laptop", dir);
        Fixtures.write(sys.resolve("class/thermal/thermal_zone1/temp"), "");
        ThermalProbe p = ThermalProbe.open(sys);
        assertEquals(3, p.zones());
        List<String> notes = new ArrayList<>();
        p.read(notes::add);
        assertEquals(1, notes.size());
        assertTrue(notes.getFirst().startsWith("thermal_zone1:INT3400 Thermal left out: ") && notes.getFirst().contains("not a number"),
                notes.getFirst());
        p.read(notes::add);
        assertEquals(1, notes.size(), "noted once");

        assertEquals(Optional.of("no readable thermal zone under " + dir.resolve("class/thermal")),
                ThermalProbe.open(dir).whyUnavailable());
    }

    @Test
    void underTheSamplerAVanishingZoneStopsOnlyItself(@TempDir Path dir) throws Exception {
        Path sys = Fixtures.copy("sys-laptop", dir);
        ThermalProbe p = ThermalProbe.open(sys);
        Path gone = sys.resolve("class/thermal/thermal_zone10/temp");
        long removedAt;
        Recording r;
        try (Sampler s = Sampler.start(MonotonicClock.system(), java.time.Duration.ofMillis(5), List.of(p))) {
            SamplerTest.awaitSamples(s, 3 * 4);
            removedAt = System.nanoTime();
            Files.delete(gone);
            SamplerTest.awaitSamples(s, s.recording().samples().size() + 3 * 3);
            r = s.recording();
        }
        var pkg = r.series(ThermalProbe.NAME, "thermal_zone10:x86_pkg_temp", Quantity.TEMPERATURE);
        var acpi = r.series(ThermalProbe.NAME, "thermal_zone0:acpitz", Quantity.TEMPERATURE);
        assertTrue(pkg.size() >= 3 && pkg.time(pkg.size() - 1) <= removedAt + 1_000_000_000L, pkg.toString());
        long lastPkg = pkg.time(pkg.size() - 1);
        assertTrue(acpi.size() - acpi.firstAfter(lastPkg) >= 2, "the other zones go on after it");
        assertEquals(1, r.notes().size(), r.notes().toString());
        assertTrue(r.notes().getFirst().message().startsWith("thermal_zone10:x86_pkg_temp dropped"), r.notes().toString());
    }
}
