package org.meltharness.devices;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.meltharness.measure.CpuFrequencyProbe;
import org.meltharness.measure.JetsonRailsMeter;
import org.meltharness.measure.Probe;
import org.meltharness.measure.Reading;
import org.meltharness.measure.ThermalProbe;

/**
 * The device's sensor files (thermal zones, cpufreq, INA3221 rails) mirrored into a local folder,
 * refreshed with one remote command per reading, so that the core's own probes (ThermalProbe,
 * CpuFrequencyProbe, JetsonRailsMeter) read them unchanged: their naming, units and handling of
 * vanishing sensors are the same for a device as for this machine.
 */
final class RemoteSysfs {
    /** Which files are found (labels and values); globs the device's shell expands. */
    private static final List<String> DISCOVER = List.of(
            "/sys/class/thermal/thermal_zone*/type", "/sys/class/thermal/thermal_zone*/temp",
            "/sys/devices/system/cpu/cpu[0-9]*/cpufreq/scaling_cur_freq",
            "/sys/bus/i2c/drivers/ina3221*/*/hwmon/hwmon*/in*_label", "/sys/bus/i2c/drivers/ina3221*/*/hwmon/hwmon*/in*_input",
            "/sys/bus/i2c/drivers/ina3221*/*/hwmon/hwmon*/curr*_input",
            "/sys/bus/i2c/devices/*/iio:device*/rail_name_*", "/sys/bus/i2c/devices/*/iio:device*/in_power*_input");

    /** Runs one shell command on the device and returns its output. */
    @FunctionalInterface
    interface Remote {
        String run(String command) throws IOException;
    }

    private final Remote remote;
    private final Path root;
    private final List<String> values = new ArrayList<>();
    private final long minAgeNanos;
    private long refreshedAt = Long.MIN_VALUE;
    private boolean reachable = true;

    private RemoteSysfs(Remote remote, Path root, Duration period) {
        this.remote = remote;
        this.root = root;
        this.minAgeNanos = period.toNanos() / 2;
    }

    /** Finds the device's sensor files and mirrors them under {@code root} (which stands for /sys). */
    static RemoteSysfs discover(Remote remote, Path root, Duration period) throws IOException {
        RemoteSysfs s = new RemoteSysfs(remote, root, period);
        Map<String, String> found = parse(remote.run(readAll(DISCOVER)));
        for (var e : found.entrySet()) {
            s.write(e.getKey(), e.getValue());
            String name = e.getKey().substring(e.getKey().lastIndexOf('/') + 1);
            if (!name.equals("type") && !name.contains("label") && !name.startsWith("rail_name")) s.values.add(e.getKey());
        }
        return s;
    }

    /** The core's probes over the mirror, each refreshing it before it reads. */
    List<Probe> probes(List<String> thermalZones) {
        List<Probe> out = new ArrayList<>();
        Function<Reading, Boolean> zones = r -> thermalZones.isEmpty()
                || thermalZones.contains(r.channel().substring(r.channel().indexOf(':') + 1));
        out.add(new Mirrored(ThermalProbe.open(root), zones));
        out.add(new Mirrored(CpuFrequencyProbe.open(root), r -> true));
        out.add(new Mirrored(JetsonRailsMeter.open(root), r -> true));
        return out;
    }

    /** The hottest counted zone now, or null when none reads (for cool-down before a run). */
    synchronized Double hottest(List<String> thermalZones) throws IOException {
        refresh(true);
        Double max = null;
        for (Reading r : ThermalProbe.open(root).read(n -> { })) {
            String type = r.channel().substring(r.channel().indexOf(':') + 1);
            if (!thermalZones.isEmpty() && !thermalZones.contains(type)) continue;
            if (max == null || r.value() > max) max = r.value();
        }
        return max;
    }

    /** Reads the value files again unless that was done within half a period (several probes share one refresh). */
    private synchronized void refresh(boolean force) throws IOException {
        long now = System.nanoTime();
        if (!force && refreshedAt != Long.MIN_VALUE && now - refreshedAt < minAgeNanos) return;
        refreshedAt = now;
        if (values.isEmpty()) return;
        Map<String, String> now0 = parse(remote.run(readAll(values.stream().map(Shell::quote).toList())));
        for (String f : values) {
            String v = now0.get(f);
            Path mirrored = local(f);
            if (mirrored == null) continue;
            if (v == null) {
                Files.deleteIfExists(mirrored); // the probe drops it with a note, as for a vanished sensor
            } else {
                write(f, v);
            }
        }
    }

    /** A shell loop that prints "path<TAB>first line" for each readable file; {@code read} is a builtin, so nothing forks per file. */
    private static String readAll(List<String> files) {
        return "{ for f in " + String.join(" ", files) + "; do [ -f \"$f\" ] && read -r v < \"$f\" && printf '%s\\t%s\\n' \"$f\" \"$v\"; "
                + "done; } 2>/dev/null; true";
    }

    private static Map<String, String> parse(String output) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            int tab = line.indexOf('\t');
            // The device's answer names files of the mirror: one leading outside it (../, a symlink) is dropped.
            if (tab > 0 && line.startsWith("/sys/") && LocalPaths.isPlainRelative(line.substring("/sys/".length(), tab))) {
                m.put(line.substring(0, tab), line.substring(tab + 1));
            }
        }
        return m;
    }

    /** The mirror's copy of a device file, or null for a name that would lead outside the mirror. */
    private Path local(String remotePath) {
        return LocalPaths.inside(root, remotePath.substring("/sys/".length()));
    }

    private void write(String remotePath, String value) {
        try {
            Path f = local(remotePath);
            if (f == null) return;
            Files.createDirectories(f.getParent());
            Files.writeString(f, value + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot mirror " + remotePath, e);
        }
    }

    /** A core probe reading the mirror after refreshing it; a lost connection pauses it rather than stopping it. */
    private final class Mirrored implements Probe {
        private final Probe probe;
        private final Function<Reading, Boolean> keep;

        Mirrored(Probe probe, Function<Reading, Boolean> keep) {
            this.probe = probe;
            this.keep = keep;
        }

        @Override
        public String name() {
            return probe.name();
        }

        @Override
        public Optional<String> whyUnavailable() {
            return probe.whyUnavailable().map(why -> why.replace(root.toString(), "/sys") + " on the device");
        }

        @Override
        public List<Reading> read(Consumer<String> notes) {
            synchronized (RemoteSysfs.this) {
                try {
                    refresh(false);
                    if (!reachable) notes.accept("device reachable again");
                    reachable = true;
                } catch (IOException | RuntimeException e) {
                    if (reachable) notes.accept("device unreachable, readings paused: " + e.getMessage());
                    reachable = false;
                    return List.of();
                }
                List<Reading> out = new ArrayList<>();
                try {
                    for (Reading r : probe.read(notes)) if (keep.apply(r)) out.add(r);
                } catch (IOException e) {
                    notes.accept(e.getMessage());
                }
                return out;
            }
        }
    }
}
