package org.meltharness.measure;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A process's resident set over time from {@code /proc/<pid>/status}: channel {@code rss} (VmRSS)
 * and {@code peak_rss} (VmHWM, the peak since the process started), in bytes.
 */
public final class MemoryProbe implements Probe {
    public static final String RSS = "rss";
    public static final String PEAK_RSS = "peak_rss";
    private final String name;
    private final Path status;
    private final SysFiles.Reader reader;

    MemoryProbe(String name, Path status, SysFiles.Reader reader) {
        this.name = name;
        this.status = status;
        this.reader = reader;
    }

    /** This JVM. */
    public static MemoryProbe self() {
        return self(Path.of("/proc"));
    }

    /** This JVM, read from {@code procRoot/self/status}; {@code procRoot} is {@code /proc} except in tests. */
    public static MemoryProbe self(Path procRoot) {
        return new MemoryProbe("memory", procRoot.resolve("self/status"), SysFiles.DEFAULT);
    }

    /** Another process (a runtime's server, say), named {@code memory:<pid>}. */
    public static MemoryProbe of(Path procRoot, long pid) {
        return new MemoryProbe("memory:" + pid, procRoot.resolve(pid + "/status"), SysFiles.DEFAULT);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Optional<String> whyUnavailable() {
        try {
            if (Memory.statusField(reader.read(status), "VmRSS:") < 0) return Optional.of("no VmRSS line in " + status);
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(SysFiles.reason(e, status) + " (not Linux?)");
        }
    }

    /** Throws when the status file is gone: the process has exited, and the probe stops. */
    @Override
    public List<Reading> read(Consumer<String> notes) throws IOException {
        String text = reader.read(status);
        List<Reading> out = new ArrayList<>(2);
        long rss = Memory.statusField(text, "VmRSS:");
        long hwm = Memory.statusField(text, "VmHWM:");
        if (rss >= 0) out.add(new Reading(RSS, Quantity.BYTES, rss));
        if (hwm >= 0) out.add(new Reading(PEAK_RSS, Quantity.BYTES, hwm));
        if (out.isEmpty()) throw new IOException("no VmRSS or VmHWM in " + status);
        return out;
    }
}
