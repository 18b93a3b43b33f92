package org.meltharness.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JetsonRailsMeterTest {
    private static final String HWMON = "bus/i2c/drivers/ina3221/1-0040/hwmon/hwmon1/";

    @Test
    void orinRailsFromHwmonAreMillivoltsTimesMilliamps(@TempDir Path dir) {
        JetsonRailsMeter m = JetsonRailsMeter.open(Fixtures.copy("sys-orin", dir));
        assertEquals(Optional.empty(), m.whyUnavailable());
        assertEquals(List.of("VDD_IN", "VDD_CPU_GPU_CV", "VDD_SOC"), m.rails(), "the shunt-sum channel is no rail");
        List<Reading> r = m.read(n -> {});
        assertEquals(5064 * 1424 / 1e6, r.get(0).value(), 1e-12);
        assertEquals(5064 * 392 / 1e6, r.get(1).value(), 1e-12);
        assertEquals(Quantity.POWER, r.get(2).quantity());
        assertTrue(m.inTotal("VDD_IN"));
        assertFalse(m.inTotal("VDD_SOC"), "fed from VDD_IN: counting it too would double it");
    }

    @Test
    void nanoRailsFromIioAreMilliwatts(@TempDir Path dir) {
        JetsonRailsMeter m = JetsonRailsMeter.open(Fixtures.copy("sys-nano", dir));
        assertEquals(List.of("POM_5V_IN", "POM_5V_GPU", "POM_5V_CPU"), m.rails());
        assertEquals(List.of(2.716, 0.079, 0.412), m.read(n -> {}).stream().map(Reading::value).toList());
        assertTrue(m.inTotal("POM_5V_IN"));
        assertFalse(m.inTotal("POM_5V_CPU"));
    }

    @Test
    void withoutAnInputRailTheRailsAreSummed(@TempDir Path dir) {
        Path sys = Fixtures.copy("sys-orin", dir);
        Fixtures.write(sys.resolve(HWMON + "in1_label"), "GPU");
        Fixtures.write(sys.resolve(HWMON + "in2_label"), "CPU");
        Fixtures.write(sys.resolve(HWMON + "in3_label"), "NC");
        JetsonRailsMeter m = JetsonRailsMeter.open(sys);
        assertEquals(List.of("GPU", "CPU"), m.rails(), "NC is an unconnected channel");
        assertTrue(m.inTotal("GPU") && m.inTotal("CPU"));
    }

    @Test
    void aRailThatDisappearsIsDroppedWithANote(@TempDir Path dir) throws Exception {
        Path sys = Fixtures.copy("sys-orin", dir);
        JetsonRailsMeter m = JetsonRailsMeter.open(sys);
        Files.delete(sys.resolve(HWMON + "curr2_input"));
        List<String> notes = new ArrayList<>();
        assertEquals(List.of("VDD_IN", "VDD_SOC"), m.read(notes::add).stream().map(Reading::channel).toList());
        assertEquals(List.of("VDD_CPU_GPU_CV dropped: " + sys.resolve(HWMON + "curr2_input") + " disappeared"), notes);
    }

    @Test
    void anythingElseIsNotAJetson(@TempDir Path dir) {
        assertTrue(JetsonRailsMeter.open(Fixtures.copy("sys-laptop", dir)).whyUnavailable().orElseThrow().endsWith("(not a Jetson)"));
    }
}
