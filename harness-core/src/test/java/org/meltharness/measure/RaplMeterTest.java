package org.meltharness.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RaplMeterTest {
    private static Map<String, Double> read(RaplMeter m, List<String> notes) {
        return m.read(notes::add).stream().collect(Collectors.toMap(Reading::channel, Reading::value));
    }

    @Test
    void readsZonesWithParentNamesAndLeavesTheMmioCopyOut(@TempDir Path dir) {
        Path sys = Fixtures.copy("sys-laptop", dir);
        RaplMeter m = RaplMeter.open(sys);
        assertEquals(java.util.Optional.empty(), m.whyUnavailable());
        assertEquals(List.of("package-0", "package-0/core", "package-0/uncore", "psys"), m.channels());
        assertTrue(m.inTotal("package-0"));
        assertFalse(m.inTotal("package-0/core"), "cores are inside the package");
        assertFalse(m.inTotal("psys"), "psys contains the package: counting both would double it");

        List<String> notes = new ArrayList<>();
        assertEquals(0.0, read(m, notes).get("package-0"), "joules since the first read");
        Fixtures.write(sys.resolve("class/powercap/intel-rapl:0:0/energy_uj"), 73015624133L + 2_500_000);
        Map<String, Double> second = read(m, notes);
        assertEquals(2.5, second.get("package-0/core"), 1e-12);
        assertEquals(0.0, second.get("package-0"));
        assertEquals(List.of(), notes);
    }

    @Test
    void aCounterThatWrapsAtMaxEnergyRangeKeepsCounting(@TempDir Path dir) {
        Path sys = Fixtures.copy("sys-laptop", dir);
        Path energy = sys.resolve("class/powercap/intel-rapl:0/energy_uj");
        RaplMeter m = RaplMeter.open(sys);
        List<String> notes = new ArrayList<>();
        read(m, notes); // 262143300000, 28850 µJ below max_energy_range_uj 262143328850
        Fixtures.write(energy, 1_171_150);
        assertEquals(1.2, read(m, notes).get("package-0"), 1e-9, "28850 µJ to the wrap plus 1171150 after it");
        Fixtures.write(energy, 2_171_150);
        assertEquals(2.2, read(m, notes).get("package-0"), 1e-9);
        assertEquals(List.of(), notes);
    }

    @Test
    void twoSocketServerTotalsPackagesAndTheirDram(@TempDir Path dir) {
        RaplMeter m = RaplMeter.open(Fixtures.copy("sys-server", dir));
        assertEquals(List.of("package-0", "package-0/dram", "package-1", "package-1/dram"), m.channels());
        for (String c : m.channels()) assertTrue(m.inTotal(c), c + ": DRAM is outside the package domain");
    }

    @Test
    void permissionDeniedOnEveryCounterIsUnavailableWithThatReason(@TempDir Path dir) {
        Path sys = Fixtures.copy("sys-laptop", dir);
        // Root (as in CI) ignores file modes, so the kernel's refusal is reproduced by the reader.
        SysFiles.Reader rootOnly = p -> {
            if (p.endsWith("energy_uj")) throw new AccessDeniedException(p.toString());
            return Files.readString(p);
        };
        RaplMeter m = RaplMeter.open(sys, rootOnly);
        String why = m.whyUnavailable().orElseThrow();
        assertTrue(why.startsWith("permission denied reading " + sys.resolve("class/powercap/intel-rapl:0/energy_uj")), why);
        assertTrue(why.contains("root-only since Linux 5.10"), why);

        var recording = new Recording(0, List.of(), List.of(), Map.of());
        var summary = PhaseSummary.of(new PhaseWindow("decode", 0, 1_000_000_000), MeterTrace.of(m, recording), recording,
                OptionalLong.of(100), OptionalLong.empty());
        assertEquals(null, summary.joules(), "unavailable, not zero");
        assertEquals(null, summary.joulesPerToken());
        assertEquals(why, summary.energyUnavailable());
    }

    @Test
    void permissionDeniedByFileModeWhenNotRoot(@TempDir Path dir) throws Exception {
        Path sys = Fixtures.copy("sys-laptop", dir);
        List<Path> counters;
        try (var s = Files.find(sys, 10, (p, a) -> p.endsWith("energy_uj"))) {
            counters = s.toList();
        }
        for (Path p : counters) Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("-w-------"));
        assumeFalse(Files.isReadable(counters.getFirst()), "running as root: file modes are not enforced");
        assertTrue(RaplMeter.open(sys).whyUnavailable().orElseThrow().startsWith("permission denied"));
    }

    @Test
    void oneDeniedZoneIsLeftOutWithANote(@TempDir Path dir) {
        Path sys = Fixtures.copy("sys-laptop", dir);
        SysFiles.Reader coreDenied = p -> {
            if (p.toString().contains("intel-rapl:0:0") && p.endsWith("energy_uj")) throw new AccessDeniedException(p.toString());
            return Files.readString(p);
        };
        RaplMeter m = RaplMeter.open(sys, coreDenied);
        assertEquals(List.of("package-0", "package-0/uncore", "psys"), m.channels());
        List<String> notes = new ArrayList<>();
        read(m, notes);
        assertEquals(1, notes.size(), notes.toString());
        assertTrue(notes.getFirst().startsWith("permission denied reading ") && notes.getFirst().contains("intel-rapl:0:0"), notes.toString());
    }

    @Test
    void aZoneThatDisappearsMidRunIsDroppedWithANote(@TempDir Path dir) throws Exception {
        Path sys = Fixtures.copy("sys-laptop", dir);
        RaplMeter m = RaplMeter.open(sys);
        List<String> notes = new ArrayList<>();
        assertEquals(4, read(m, notes).size());
        Files.delete(sys.resolve("class/powercap/intel-rapl:0:1/energy_uj"));
        assertEquals(List.of("package-0", "package-0/core", "psys"), List.copyOf(read(m, notes).keySet().stream().sorted().toList()));
        assertEquals(1, notes.size());
        assertTrue(notes.getFirst().startsWith("package-0/uncore dropped: ") && notes.getFirst().endsWith("disappeared"), notes.getFirst());
        assertEquals(3, read(m, notes).size(), "stays dropped");
    }

    @Test
    void noPowercapOrNoZonesIsUnavailable(@TempDir Path dir) throws Exception {
        assertTrue(RaplMeter.open(dir).whyUnavailable().orElseThrow().contains("class/powercap (not Linux"));
        Files.createDirectories(dir.resolve("class/powercap/intel-rapl"));
        Files.createDirectories(dir.resolve("class/powercap/intel-rapl-mmio:0"));
        assertTrue(RaplMeter.open(dir).whyUnavailable().orElseThrow().startsWith("no intel-rapl zones under"));
    }
}
