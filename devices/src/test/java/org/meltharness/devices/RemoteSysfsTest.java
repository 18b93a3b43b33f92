package org.meltharness.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.measure.Probe;
import org.meltharness.measure.Quantity;
import org.meltharness.measure.Reading;

/**
 * A device's sysfs read through its shell into the core's probes: the device is this machine's
 * {@code sh} over a folder laid out like a Jetson's /sys (thermal zone, cpufreq, an INA3221 rail).
 */
class RemoteSysfsTest {
    @TempDir
    Path tmp;

    private void put(Path sys, String file, String value) throws Exception {
        Path f = sys.resolve(file);
        Files.createDirectories(f.getParent());
        Files.writeString(f, value + "\n");
    }

    @Test
    void theCoreProbesReadTheDevicesFilesAndFollowTheirChanges() throws Exception {
        Path sys = tmp.resolve("device-sys");
        put(sys, "class/thermal/thermal_zone0/type", "cpu-thermal");
        put(sys, "class/thermal/thermal_zone0/temp", "45500");
        put(sys, "class/thermal/thermal_zone1/type", "gpu-thermal");
        put(sys, "class/thermal/thermal_zone1/temp", "41000");
        put(sys, "devices/system/cpu/cpu0/cpufreq/scaling_cur_freq", "1500000");
        put(sys, "bus/i2c/drivers/ina3221/1-0040/hwmon/hwmon3/in1_label", "VDD_IN");
        put(sys, "bus/i2c/drivers/ina3221/1-0040/hwmon/hwmon3/in1_input", "5000");
        put(sys, "bus/i2c/drivers/ina3221/1-0040/hwmon/hwmon3/curr1_input", "2000");
        String root = sys.toString() + "/";
        List<String> commands = new ArrayList<>();
        RemoteSysfs.Remote shell = command -> {
            commands.add(command);
            Process p = new ProcessBuilder("sh", "-c", command.replace("/sys/", root)).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException();
            }
            return out.replace(root, "/sys/");
        };
        RemoteSysfs remote = RemoteSysfs.discover(shell, tmp.resolve("mirror"), Duration.ofNanos(2));
        List<Probe> probes = remote.probes(List.of("cpu-thermal"));
        List<String> notes = new ArrayList<>();
        Probe thermal = probes.get(0);
        Probe cpufreq = probes.get(1);
        Probe rails = probes.get(2);
        assertTrue(thermal.whyUnavailable().isEmpty());
        assertEquals(List.of(new Reading("thermal_zone0:cpu-thermal", Quantity.TEMPERATURE, 45.5)), thermal.read(notes::add));
        assertEquals(1500.0, cpufreq.read(notes::add).getFirst().value(), 1e-9);
        assertTrue(rails.read(notes::add).stream().anyMatch(r -> r.quantity() == Quantity.POWER && Math.abs(r.value() - 10.0) < 1e-9),
                rails.read(notes::add).toString());

        int before = commands.size();
        put(sys, "class/thermal/thermal_zone0/temp", "61000");
        assertEquals(61.0, thermal.read(notes::add).getFirst().value(), 1e-9);
        assertTrue(commands.size() > before, "each reading asks the device again");
        assertEquals(61.0, remote.hottest(List.of("cpu-thermal")), 1e-9);

        // A zone that vanishes on the device is dropped with a note, as the core does for local files.
        Files.delete(sys.resolve("class/thermal/thermal_zone0/temp"));
        assertEquals(List.of(), thermal.read(notes::add));
        assertTrue(notes.stream().anyMatch(n -> n.contains("thermal_zone0:cpu-thermal dropped")), notes.toString());
    }

    @Test
    void aDeviceWithoutSensorsSaysSo() throws Exception {
        RemoteSysfs remote = RemoteSysfs.discover(command -> "", tmp.resolve("mirror"), Duration.ofSeconds(1));
        for (Probe p : remote.probes(List.of())) {
            assertTrue(p.whyUnavailable().orElseThrow().endsWith("on the device"), p.whyUnavailable().toString());
            assertTrue(!p.whyUnavailable().orElseThrow().contains(tmp.toString()), p.whyUnavailable().toString());
        }
    }
}
