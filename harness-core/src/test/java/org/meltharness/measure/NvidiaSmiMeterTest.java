package org.meltharness.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NvidiaSmiMeterTest {
    private static List<String> fake(Path dir, String script) {
        return List.of("sh", Fixtures.copy("nvidia-smi", dir).resolve(script).toString());
    }

    @Test
    void readsOneLinePerGpuAndNotesPowerItCannotRead(@TempDir Path dir) throws Exception {
        List<String> cmd = fake(dir, "fake-nvidia-smi.sh");
        NvidiaSmiMeter m = NvidiaSmiMeter.open(cmd);
        assertEquals(Optional.empty(), m.whyUnavailable());
        assertEquals(2, m.gpus());
        List<String> notes = new ArrayList<>();
        m.start(Duration.ofMillis(50));
        try {
            List<Reading> first = m.read(notes::add);
            assertEquals(List.of(
                    new Reading("gpu0", Quantity.POWER, 71.05),
                    new Reading("gpu0", Quantity.TEMPERATURE, 40),
                    new Reading("gpu0/sm", Quantity.FREQUENCY, 1980),
                    new Reading("gpu1", Quantity.TEMPERATURE, 39),
                    new Reading("gpu1/sm", Quantity.FREQUENCY, 210)), first);
            assertEquals(List.of(NvidiaSmiMeter.AVERAGING, "gpu1: power.draw is [N/A], left out"), notes);
            assertEquals(71.15, m.read(notes::add).getFirst().value());
            assertEquals(71.25, m.read(notes::add).getFirst().value());
            assertEquals(2, notes.size(), "noted once");
            var end = assertThrows(EOFException.class, () -> m.read(notes::add));
            assertEquals("nvidia-smi ended with exit code 0", end.getMessage());
        } finally {
            m.stop();
        }
        List<String> args = Files.readAllLines(Path.of(cmd.get(1)).resolveSibling("args.txt"));
        assertEquals(List.of("--query-gpu=index --format=csv,noheader",
                "--query-gpu=timestamp,index,power.draw,temperature.gpu,clocks.sm --format=csv,noheader,nounits -lms 50"), args);
    }

    @Test
    void aMissingBinaryOrDriverIsUnavailableWithTheReason(@TempDir Path dir) {
        String missing = NvidiaSmiMeter.open(List.of(dir.resolve("nvidia-smi").toString())).whyUnavailable().orElseThrow();
        assertTrue(missing.startsWith("nvidia-smi not found or not runnable: Cannot run program"), missing);
        assertEquals(Optional.of("nvidia-smi failed (exit 9): NVIDIA-SMI has failed because it couldn't communicate with the "
                + "NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running."),
                NvidiaSmiMeter.open(fake(dir, "no-driver.sh")).whyUnavailable());
    }

    @Test
    void underTheSamplerItStreamsUntilClosedAndIntegrates(@TempDir Path dir) throws Exception {
        NvidiaSmiMeter m = NvidiaSmiMeter.open(fake(dir, "endless.sh"));
        Sampler s = Sampler.start(MonotonicClock.system(), Duration.ofMillis(20), List.of(m));
        long from;
        long to;
        long closing;
        try {
            from = System.nanoTime();
            SamplerTest.awaitSamples(s, 3 * 4);
            to = System.nanoTime();
            closing = System.nanoTime();
        } finally {
            s.close();
        }
        assertTrue(System.nanoTime() - closing < 3_000_000_000L, "close() stops the process");
        Recording r = s.recording();
        TimeSeries power = r.series(NvidiaSmiMeter.NAME, "gpu0", Quantity.POWER);
        assertTrue(power.time(power.size() - 1) >= closing, "close() waited for a line after it was called");
        assertEquals(List.of(NvidiaSmiMeter.AVERAGING), r.notes().stream().map(Note::message).toList(),
                "stopping it is no failure: the averaging caveat is the only note");
        var trace = MeterTrace.of(m, r);
        Energy e = EnergyIntegrator.integrate(trace, new PhaseWindow("decode", from, to), OptionalLong.empty());
        assertEquals(150.32 * (to - from) / 1e9, e.joules().getAsDouble(), 1e-6);
    }
}
