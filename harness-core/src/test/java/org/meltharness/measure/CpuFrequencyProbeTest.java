package org.meltharness.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuFrequencyProbeTest {
    @Test
    void readsEveryOnlineCpuInMegahertz(@TempDir Path dir) {
        CpuFrequencyProbe p = CpuFrequencyProbe.open(Fixtures.copy("sys-laptop", dir));
        List<String> notes = new ArrayList<>();
        List<Reading> r = p.read(notes::add);
        assertEquals(List.of("cpu0", "cpu1", "cpu2", "cpu3"), r.stream().map(Reading::channel).toList(),
                "cpufreq/ and cpuidle/ are not CPUs");
        assertEquals(List.of(800.0, 1200.0, 1600.0, 2000.0), r.stream().map(Reading::value).toList());
        assertEquals(1, notes.size(), "offline cpu4 has no cpufreq");
        assertTrue(notes.getFirst().startsWith("cpu4 left out: "), notes.getFirst());
    }

    @Test
    void aCpuTakenOfflineMidRunIsDropped(@TempDir Path dir) throws Exception {
        Path sys = Fixtures.copy("sys-laptop", dir);
        CpuFrequencyProbe p = CpuFrequencyProbe.open(sys);
        p.read(n -> {});
        Files.delete(sys.resolve("devices/system/cpu/cpu3/cpufreq/scaling_cur_freq"));
        Fixtures.write(sys.resolve("devices/system/cpu/cpu0/cpufreq/scaling_cur_freq"), 4_700_000);
        List<String> notes = new ArrayList<>();
        List<Reading> r = p.read(notes::add);
        assertEquals(List.of(4700.0, 1200.0, 1600.0), r.stream().map(Reading::value).toList());
        assertEquals(1, notes.size());
        assertTrue(notes.getFirst().startsWith("cpu3 dropped: "), notes.getFirst());
    }

    @Test
    void aMachineWithoutCpufreqIsUnavailable(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("devices/system/cpu/cpu0"));
        assertTrue(CpuFrequencyProbe.open(dir).whyUnavailable().orElseThrow().startsWith("no readable cpufreq"));
    }
}
