package org.meltharness.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryTest {
    @Test
    void readsVmHwmAndVmRssInBytesFromAProcRoot() {
        Path proc = Fixtures.resource("proc");
        assertEquals(1843216L * 1024, Memory.peakResidentBytes(proc));
        assertEquals(1523404L * 1024, Memory.residentBytes(proc));
    }

    @Test
    void withoutProcItIsMinusOne(@TempDir Path dir) {
        assertEquals(-1, Memory.peakResidentBytes(dir));
        assertEquals(-1, Memory.residentBytes(dir));
    }

    @Test
    void theProbeReportsCurrentAndPeakResidentSet() throws Exception {
        MemoryProbe p = MemoryProbe.self(Fixtures.resource("proc"));
        assertEquals(Optional.empty(), p.whyUnavailable());
        assertEquals(List.of(new Reading("rss", Quantity.BYTES, 1523404d * 1024), new Reading("peak_rss", Quantity.BYTES, 1843216d * 1024)),
                p.read(n -> {}));
    }

    @Test
    void aProcessThatExitsStopsTheProbe(@TempDir Path dir) throws Exception {
        Path status = dir.resolve("4242/status");
        Files.createDirectories(status.getParent());
        Files.copy(Fixtures.resource("proc/self/status"), status);
        MemoryProbe p = MemoryProbe.of(dir, 4242);
        assertEquals("memory:4242", p.name());
        p.read(n -> {});
        Files.delete(status);
        assertThrows(IOException.class, () -> p.read(n -> {}));
        assertTrue(p.whyUnavailable().orElseThrow().contains("4242/status disappeared"));
    }

    @Test
    void thisJvmOnLinux() throws Exception {
        MemoryProbe p = MemoryProbe.self();
        assertEquals(Optional.empty(), p.whyUnavailable());
        assertTrue(p.read(n -> {}).getFirst().value() > 1 << 20);
        long rss = Memory.residentBytes();
        assertTrue(Memory.peakResidentBytes() >= rss, "the peak read later is at least the resident set read before");
    }
}
