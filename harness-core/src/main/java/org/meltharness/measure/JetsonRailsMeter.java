package org.meltharness.measure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * NVIDIA Jetson power rails from the on-board INA3221 monitors, one channel per rail (VDD_IN,
 * VDD_CPU_GPU_CV, ...), in watts. Two sysfs layouts:
 *
 * <ul>
 *   <li>hwmon (JetPack 5 and later, Orin): {@code /sys/bus/i2c/drivers/ina3221/<dev>/hwmon/hwmonN/}
 *       with {@code inK_label}, {@code inK_input} (bus voltage, mV) and {@code currK_input} (mA);
 *   <li>iio (JetPack 4: Nano, TX2, Xavier): {@code /sys/bus/i2c/devices/<dev>/iio:deviceN/} with
 *       {@code rail_name_K} and {@code in_powerK_input} (mW).
 * </ul>
 *
 * The total is the board's input rail (VDD_IN, POM_5V_IN, ...) where there is one, since the
 * other rails are fed from it; otherwise the sum of the rails.
 */
public final class JetsonRailsMeter implements PowerMeter {
    public static final String NAME = "jetson";

    private record Rail(String channel, Path powerMilliwatts, Path millivolts, Path milliamps) {}

    private final List<Rail> rails;
    private final Set<String> total;
    private final String unavailable;
    private final SysFiles.Reader reader;

    private JetsonRailsMeter(List<Rail> rails, Set<String> total, String unavailable, SysFiles.Reader reader) {
        this.rails = new ArrayList<>(rails);
        this.total = total;
        this.unavailable = unavailable;
        this.reader = reader;
    }

    public static JetsonRailsMeter open() {
        return open(Path.of("/sys"));
    }

    /** Reads {@code sysRoot/bus/i2c}; {@code sysRoot} is {@code /sys} except in tests. */
    public static JetsonRailsMeter open(Path sysRoot) {
        return open(sysRoot, SysFiles.DEFAULT);
    }

    static JetsonRailsMeter open(Path sysRoot, SysFiles.Reader reader) {
        List<Rail> rails = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Path drivers = sysRoot.resolve("bus/i2c/drivers");
        for (Path driver : SysFiles.list(drivers, "ina3221.*")) {
            for (Path dev : SysFiles.list(driver, "\\d+-[0-9a-f]+")) {
                for (Path hwmon : SysFiles.list(dev.resolve("hwmon"), "hwmon\\d+")) {
                    for (int k = 1; Files.exists(hwmon.resolve("in" + k + "_input")); k++) {
                        Path label = hwmon.resolve("in" + k + "_label");
                        Path curr = hwmon.resolve("curr" + k + "_input");
                        if (!Files.exists(label) || !Files.exists(curr)) continue; // shunt and sum channels have no current of their own
                        String name = railName(reader, label);
                        if (name == null) continue;
                        rails.add(new Rail(unique(name, names), null, hwmon.resolve("in" + k + "_input"), curr));
                    }
                }
            }
        }
        if (rails.isEmpty()) {
            for (Path dev : SysFiles.list(sysRoot.resolve("bus/i2c/devices"), "\\d+-[0-9a-f]+")) {
                for (Path iio : SysFiles.list(dev, "iio:device\\d+")) {
                    for (int k = 0; Files.exists(iio.resolve("rail_name_" + k)); k++) {
                        Path power = iio.resolve("in_power" + k + "_input");
                        String name = railName(reader, iio.resolve("rail_name_" + k));
                        if (name == null || !Files.exists(power)) continue;
                        rails.add(new Rail(unique(name, names), power, null, null));
                    }
                }
            }
        }
        if (rails.isEmpty()) {
            return new JetsonRailsMeter(List.of(), Set.of(), "no INA3221 rails under " + drivers + " or "
                    + sysRoot.resolve("bus/i2c/devices") + " (not a Jetson)", reader);
        }
        Set<String> total = new HashSet<>();
        for (Rail r : rails) {
            String n = r.channel();
            if (n.matches("(VDD|POM)_(.+_)?IN")) total.add(n); // VDD_IN (Orin, Xavier NX), POM_5V_IN (Nano)
        }
        if (total.isEmpty()) rails.forEach(r -> total.add(r.channel()));
        return new JetsonRailsMeter(rails, total, null, reader);
    }

    /** The label, or null for an unconnected channel. */
    private static String railName(SysFiles.Reader reader, Path label) {
        try {
            String s = SysFiles.text(reader, label);
            if (s.isEmpty() || s.equals("NC") || s.startsWith("sum of")) return null;
            return s;
        } catch (IOException e) {
            return null;
        }
    }

    private static String unique(String name, Set<String> seen) {
        String n = name;
        for (int i = 2; !seen.add(n); i++) n = name + "#" + i;
        return n;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Scope scope() {
        return Scope.RAIL;
    }

    @Override
    public Optional<String> whyUnavailable() {
        return Optional.ofNullable(unavailable);
    }

    @Override
    public boolean inTotal(String channel) {
        return total.contains(channel);
    }

    public List<String> rails() {
        return rails.stream().map(Rail::channel).toList();
    }

    @Override
    public synchronized List<Reading> read(Consumer<String> notes) {
        List<Reading> out = new ArrayList<>(rails.size());
        for (var it = rails.iterator(); it.hasNext(); ) {
            Rail r = it.next();
            Path file = r.powerMilliwatts() != null ? r.powerMilliwatts() : r.milliamps();
            try {
                double watts;
                if (r.powerMilliwatts() != null) {
                    watts = SysFiles.number(reader, r.powerMilliwatts()) / 1e3;
                } else {
                    file = r.millivolts();
                    long mv = SysFiles.number(reader, r.millivolts());
                    file = r.milliamps();
                    watts = mv * SysFiles.number(reader, r.milliamps()) / 1e6;
                }
                out.add(new Reading(r.channel(), Quantity.POWER, watts));
            } catch (IOException e) {
                it.remove();
                notes.accept(r.channel() + " dropped: " + SysFiles.reason(e, file));
            }
        }
        return out;
    }
}
