package org.meltharness.measure;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A set of one-number sensor files (thermal zones, CPU frequencies). A sensor whose file vanishes
 * or fails to read is dropped from then on, with a note: hot-unplugged CPUs and Wi-Fi zones that
 * return ENODATA when the radio is off are normal, and must not stop a run.
 */
final class SensorFiles {
    record Sensor(String channel, Path file, Quantity quantity, double scale) {}

    private final SysFiles.Reader reader;
    private final List<Sensor> live;
    private final List<String> pending = new ArrayList<>();

    /** Keeps the sensors that read now; the others are noted at the first {@link #read}. */
    SensorFiles(SysFiles.Reader reader, List<Sensor> candidates) {
        this.reader = reader;
        this.live = new ArrayList<>();
        for (Sensor s : candidates) {
            try {
                SysFiles.number(reader, s.file());
                live.add(s);
            } catch (IOException e) {
                pending.add(s.channel() + " left out: " + SysFiles.reason(e, s.file()));
            }
        }
    }

    synchronized boolean isEmpty() {
        return live.isEmpty();
    }

    synchronized int size() {
        return live.size();
    }

    /** One reading per live sensor; failures drop the sensor with a note. */
    synchronized List<Reading> read(Consumer<String> notes) {
        for (String p : pending) notes.accept(p);
        pending.clear();
        List<Reading> out = new ArrayList<>(live.size());
        for (var it = live.iterator(); it.hasNext(); ) {
            Sensor s = it.next();
            try {
                out.add(new Reading(s.channel(), s.quantity(), SysFiles.number(reader, s.file()) * s.scale()));
            } catch (IOException e) {
                it.remove();
                notes.accept(s.channel() + " dropped: " + SysFiles.reason(e, s.file()));
            }
        }
        return out;
    }
}
