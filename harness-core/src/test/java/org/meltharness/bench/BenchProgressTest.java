package org.meltharness.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The progress line: done/total, rates and time left, or elapsed time of a sustained run. */
class BenchProgressTest {

    @Test
    void linesForCountedAndSustainedRuns() {
        StringWriter out = new StringWriter();
        BenchProgress p = new BenchProgress(new PrintWriter(out), false, 4, null);
        TurnRecord t = new TurnRecord("chat", 0, 0, 0, false, 0, new TurnMetrics(5, 8, 1.0, null, null, null, null, null, 1, null), "max_tokens",
                null, null, List.of(), null, null);
        p.advance(t);
        p.advance(t);
        String line = p.line(System.nanoTime());
        assertTrue(line.startsWith("bench 2/4 turns (50%) "), line);
        assertTrue(line.contains(" tok/s out ETA "), line);
        for (int i = 0; i < 2; i++) p.advance(t);
        p.finish();
        assertTrue(out.toString().contains("bench 4/4 turns (100%)"), "the last turn always prints: " + out);
        assertTrue(out.toString().endsWith("ETA -\n"), out.toString());

        BenchProgress s = new BenchProgress(new PrintWriter(new StringWriter()), false, 0, Duration.ofMinutes(10));
        s.advance(t);
        assertTrue(s.line(System.nanoTime()).startsWith("bench 1 turns, 0/600s "), s.line(System.nanoTime()));
        assertEquals("1m30s", BenchProgress.format(Duration.ofSeconds(90)));
        assertEquals("2h05m", BenchProgress.format(Duration.ofMinutes(125)));
    }
}
