package org.meltharness.measure;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Every {@code /sys/class/thermal/thermal_zone*}: {@code temp} in millidegrees Celsius, named
 * {@code thermal_zoneN:type}. Zones that cannot be read are left out or dropped, with a note.
 */
public final class ThermalProbe implements Probe {
    public static final String NAME = "thermal";
    private final Path dir;
    private final SensorFiles sensors;

    private ThermalProbe(Path dir, SensorFiles sensors) {
        this.dir = dir;
        this.sensors = sensors;
    }

    public static ThermalProbe open() {
        return open(Path.of("/sys"));
    }

    /** Reads {@code sysRoot/class/thermal}; {@code sysRoot} is {@code /sys} except in tests. */
    public static ThermalProbe open(Path sysRoot) {
        return open(sysRoot, SysFiles.DEFAULT);
    }

    static ThermalProbe open(Path sysRoot, SysFiles.Reader reader) {
        Path dir = sysRoot.resolve("class/thermal");
        List<SensorFiles.Sensor> zones = new ArrayList<>();
        for (Path zone : SysFiles.list(dir, "thermal_zone\\d+")) {
            String type;
            try {
                type = SysFiles.text(reader, zone.resolve("type"));
            } catch (IOException e) {
                type = "unknown";
            }
            zones.add(new SensorFiles.Sensor(zone.getFileName() + ":" + type, zone.resolve("temp"), Quantity.TEMPERATURE, 1e-3));
        }
        return new ThermalProbe(dir, new SensorFiles(reader, zones));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<String> whyUnavailable() {
        return sensors.isEmpty() ? Optional.of("no readable thermal zone under " + dir) : Optional.empty();
    }

    /** How many zones are still read. */
    public int zones() {
        return sensors.size();
    }

    @Override
    public List<Reading> read(Consumer<String> notes) {
        return sensors.read(notes);
    }
}
