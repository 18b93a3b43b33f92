package org.meltharness.measure;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's memory as the OS and the JVM see it. */
public final class Memory {
    private static final Path PROC = Path.of("/proc");

    private Memory() {}

    /** Peak resident set size (Linux VmHWM) in bytes, or -1 where the OS does not report it. */
    public static long peakResidentBytes() {
        return peakResidentBytes(PROC);
    }

    /** Current resident set size (Linux VmRSS) in bytes, or -1. */
    public static long residentBytes() {
        return residentBytes(PROC);
    }

    /** VmHWM of {@code procRoot/self/status}; {@code procRoot} is {@code /proc} except in tests. */
    public static long peakResidentBytes(Path procRoot) {
        return statusField(procRoot.resolve("self/status"), "VmHWM:");
    }

    /** VmRSS of {@code procRoot/self/status}. */
    public static long residentBytes(Path procRoot) {
        return statusField(procRoot.resolve("self/status"), "VmRSS:");
    }

    /** The sum of the heap pools' peak usage since the JVM started, in bytes. */
    public static long heapPeakBytes() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) sum += pool.getPeakUsage().getUsed();
        }
        return sum;
    }

    /** One {@code Key:   123 kB} line of a status file, in bytes; -1 when the file or the key is missing. */
    static long statusField(Path status, String key) {
        if (!Files.isReadable(status)) return -1;
        try {
            return statusField(Files.readString(status), key);
        } catch (IOException e) {
            return -1;
        }
    }

    static long statusField(String status, String key) {
        for (String line : status.split("\n")) {
            if (line.startsWith(key)) {
                String[] parts = line.substring(key.length()).trim().split("\\s+");
                try {
                    return Long.parseLong(parts[0]) * 1024L; // reported in kB
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }
}
