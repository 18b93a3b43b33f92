package org.meltharness.measure;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Every CPU's {@code /sys/devices/system/cpu/cpuN/cpufreq/scaling_cur_freq} (kHz), in MHz, channel
 * {@code cpuN}. A CPU taken offline mid-run is dropped with a note.
 */
public final class CpuFrequencyProbe implements Probe {
    public static final String NAME = "cpufreq";
    private final Path dir;
    private final SensorFiles sensors;

    private CpuFrequencyProbe(Path dir, SensorFiles sensors) {
        this.dir = dir;
        this.sensors = sensors;
    }

    public static CpuFrequencyProbe open() {
        return open(Path.of("/sys"));
    }

    /** Reads {@code sysRoot/devices/system/cpu}; {@code sysRoot} is {@code /sys} except in tests. */
    public static CpuFrequencyProbe open(Path sysRoot) {
        return open(sysRoot, SysFiles.DEFAULT);
    }

    static CpuFrequencyProbe open(Path sysRoot, SysFiles.Reader reader) {
        Path dir = sysRoot.resolve("devices/system/cpu");
        List<SensorFiles.Sensor> cpus = new ArrayList<>();
        for (Path cpu : SysFiles.list(dir, "cpu\\d+")) {
            cpus.add(new SensorFiles.Sensor(cpu.getFileName().toString(), cpu.resolve("cpufreq/scaling_cur_freq"),
                    Quantity.FREQUENCY, 1e-3));
        }
        return new CpuFrequencyProbe(dir, new SensorFiles(reader, cpus));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<String> whyUnavailable() {
        // Virtual machines and containers often have no cpufreq at all.
        return sensors.isEmpty() ? Optional.of("no readable cpufreq/scaling_cur_freq under " + dir) : Optional.empty();
    }

    public int cpus() {
        return sensors.size();
    }

    @Override
    public List<Reading> read(Consumer<String> notes) {
        return sensors.read(notes);
    }
}
