package org.meltharness.measure;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Linux RAPL energy counters through powercap sysfs ({@code /sys/class/powercap/intel-rapl:N[:M]},
 * also used by AMD's RAPL driver): {@code energy_uj} read as monotonic joules since the first read,
 * with the counter's wrap at {@code max_energy_range_uj} undone.
 *
 * <p>Channels are zone names: {@code package-0}, {@code package-0/core}, {@code package-0/dram},
 * {@code psys}. The total is the packages plus their DRAM (DRAM is outside the package domain);
 * cores and uncore sit inside their package, and psys (the whole platform) contains the packages,
 * so they are kept apart. Without a package zone, the top-level zones are the total.
 */
public final class RaplMeter implements PowerMeter {
    public static final String NAME = "rapl";

    private final List<Zone> zones;
    private final Set<String> total;
    private final String unavailable;
    private final List<String> pending = new ArrayList<>();
    private final SysFiles.Reader reader;

    /** One zone's counter and what has been accumulated from it. */
    private static final class Zone {
        final String channel;
        final Path energyFile;
        final long rangeUj;
        long last = -1;
        long accumulatedUj;

        Zone(String channel, Path energyFile, long rangeUj) {
            this.channel = channel;
            this.energyFile = energyFile;
            this.rangeUj = rangeUj;
        }
    }

    private RaplMeter(List<Zone> zones, Set<String> total, String unavailable, List<String> notes, SysFiles.Reader reader) {
        this.zones = zones;
        this.total = total;
        this.unavailable = unavailable;
        this.pending.addAll(notes);
        this.reader = reader;
    }

    public static RaplMeter open() {
        return open(Path.of("/sys"));
    }

    /** Reads {@code sysRoot/class/powercap}; {@code sysRoot} is {@code /sys} except in tests. */
    public static RaplMeter open(Path sysRoot) {
        return open(sysRoot, SysFiles.DEFAULT);
    }

    static RaplMeter open(Path sysRoot, SysFiles.Reader reader) {
        Path dir = sysRoot.resolve("class/powercap");
        if (!Files.isDirectory(dir)) {
            return unavailable("no " + dir + " (not Linux, or a kernel without powercap)", reader);
        }
        // intel-rapl-mmio:N duplicates the package zones through MMIO on some Intel parts: left out.
        List<Path> found = SysFiles.list(dir, "intel-rapl:\\d+(:\\d+)?");
        if (found.isEmpty()) {
            return unavailable("no intel-rapl zones under " + dir
                    + " (the intel_rapl_msr module is not loaded, or the CPU has no RAPL)", reader);
        }
        List<Zone> zones = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<String> denied = new ArrayList<>();
        Set<String> packages = new HashSet<>();
        Set<String> drams = new HashSet<>();
        Set<String> topLevel = new HashSet<>();
        for (Path z : found) {
            String id = z.getFileName().toString();
            String channel;
            long range;
            try {
                String name = SysFiles.text(reader, z.resolve("name"));
                channel = name;
                if (id.chars().filter(c -> c == ':').count() == 2) {
                    Path parent = dir.resolve(id.substring(0, id.lastIndexOf(':')));
                    channel = SysFiles.text(reader, parent.resolve("name")) + "/" + name;
                    if (name.equals("dram")) drams.add(channel);
                } else {
                    topLevel.add(channel);
                    if (name.startsWith("package")) packages.add(channel);
                }
                range = SysFiles.number(reader, z.resolve("max_energy_range_uj"));
                SysFiles.number(reader, z.resolve("energy_uj"));
            } catch (AccessDeniedException e) {
                denied.add(e.getFile() != null ? e.getFile() : z.resolve("energy_uj").toString());
                continue;
            } catch (IOException e) {
                notes.add(id + " left out: " + SysFiles.reason(e, z));
                continue;
            }
            zones.add(new Zone(channel, z.resolve("energy_uj"), range));
        }
        if (zones.isEmpty() && !denied.isEmpty()) {
            // Since Linux 5.10 (CVE-2020-8694, "Platypus") energy_uj is readable by root only.
            return unavailable("permission denied reading " + denied.getFirst()
                    + " (root-only since Linux 5.10: run as root, or make energy_uj readable)", reader);
        }
        if (zones.isEmpty()) return unavailable("no readable intel-rapl zone under " + dir + ": " + String.join("; ", notes), reader);
        for (String d : denied) notes.add("permission denied reading " + d + ": that zone is left out");
        Set<String> total = new HashSet<>(packages);
        total.addAll(drams);
        if (packages.isEmpty()) total.addAll(topLevel);
        total.retainAll(zones.stream().map(zz -> zz.channel).toList());
        return new RaplMeter(zones, total, null, notes, reader);
    }

    private static RaplMeter unavailable(String reason, SysFiles.Reader reader) {
        return new RaplMeter(List.of(), Set.of(), reason, List.of(), reader);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Scope scope() {
        return Scope.PACKAGE;
    }

    @Override
    public Optional<String> whyUnavailable() {
        return Optional.ofNullable(unavailable);
    }

    @Override
    public boolean inTotal(String channel) {
        return total.contains(channel);
    }

    /** The channels read, in zone order. */
    public List<String> channels() {
        return zones.stream().map(z -> z.channel).toList();
    }

    @Override
    public synchronized List<Reading> read(Consumer<String> notes) {
        for (String p : pending) notes.accept(p);
        pending.clear();
        List<Reading> out = new ArrayList<>(zones.size());
        for (var it = zones.iterator(); it.hasNext(); ) {
            Zone z = it.next();
            long raw;
            try {
                raw = SysFiles.number(reader, z.energyFile);
            } catch (IOException e) {
                it.remove();
                notes.accept(z.channel + " dropped: " + SysFiles.reason(e, z.energyFile));
                continue;
            }
            if (z.last >= 0) {
                long delta = raw - z.last;
                // The counter runs from 0 to max_energy_range_uj and starts again: one wrap between
                // two reads (at least minutes apart at full load) is undone here.
                if (delta < 0) delta += z.rangeUj;
                if (delta < 0) {
                    it.remove();
                    notes.accept(z.channel + " dropped: energy_uj went from " + z.last + " to " + raw
                            + ", beyond its max_energy_range_uj " + z.rangeUj);
                    continue;
                }
                z.accumulatedUj += delta;
            }
            z.last = raw;
            out.add(new Reading(z.channel, Quantity.ENERGY, z.accumulatedUj / 1e6));
        }
        return out;
    }
}
