package org.meltharness.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.measure.PhaseWindow;

/** The workloads' order, history, warm-up, phase windows and overhead, on a fake runtime and clock. */
class BenchRunnerTest {
    private static final long CALL = 100_000_000L; // each generation takes 100 ms of test clock

    @Test
    void chatSendsTheHistoryTurnByTurnAndWarmsUpUnmeasured(@TempDir Path dir) {
        TestClock clock = new TestClock();
        FakeRuntime rt = new FakeRuntime(clock, CALL);
        List<TurnRecord> seen = new ArrayList<>();
        int[] passes = {0};
        BenchRunner runner = new BenchRunner(rt, clock, clock.nanos(), new BenchRunner.Hooks(() -> 41.5, () -> {
            passes[0]++;
            clock.advance(5 * CALL); // a cool-down wait: not the harness's overhead
        }, t -> {
            seen.add(t);
            return t;
        }));
        List<List<String>> convs = List.of(List.of("Hi there", "And then?"), List.of("Bye"));
        runner.runChat(convs, ChatTemplate.of(dir), 4, 2, 1);

        assertEquals(1 + 2 * 3, seen.size());
        assertTrue(seen.getFirst().warmup());
        assertEquals(6, seen.stream().filter(t -> !t.warmup()).count());
        assertEquals(2, passes[0], "one wait before each measured repetition");
        // The second turn's prompt holds the first exchange, in the plain layout (no template in dir).
        String second = rt.requests.get(2).prompt();
        assertTrue(second.startsWith("User: Hi there\nAssistant: reply"), second);
        assertTrue(second.endsWith("User: And then?\nAssistant:"), second);
        assertEquals(0.0, rt.requests.get(0).temperature(), "greedy, so outputs can be verified");
        TurnRecord last = seen.getLast();
        assertEquals(List.of(1, 0, 1), List.of(last.conversation(), last.turn(), last.repetition()));
        assertEquals(41.5, last.startCelsius());
        assertEquals(4, last.tokens().size());
        assertEquals(seen, runner.records());

        List<PhaseWindow> w = runner.windows();
        assertEquals(12, w.size(), "a prefill and a decode window per measured turn");
        assertEquals(List.of("prefill", "decode"), List.of(w.get(0).name(), w.get(1).name()));
        assertEquals(w.get(0).endNanos(), w.get(1).startNanos());
        assertEquals(CALL / 2, w.get(0).durationNanos(), "the split is the runtime's prefill time");
        Overhead o = runner.overhead();
        assertEquals(0.6, o.runtimeSeconds(), 1e-9, "six measured turns");
        assertEquals(0.0, o.overheadSeconds(), 1e-9, "the test clock moves only inside calls and waits");
        assertEquals(0.6, o.loopSeconds(), 1e-9, "waits and the warm-up are left out of the loop's time");
        assertEquals(0.0, o.fraction(), 1e-9);
        assertEquals(0.1, o.warmupSeconds(), 1e-9);
    }

    @Test
    void syntheticRunsPpAndTgAsLlamaBenchDoes() {
        TestClock clock = new TestClock();
        FakeRuntime rt = new FakeRuntime(clock, CALL);
        BenchRunner runner = new BenchRunner(rt, clock, clock.nanos(), new BenchRunner.Hooks(() -> null, () -> { }, t -> t));
        runner.runSynthetic("some prompt", 16, 3, 1);
        assertEquals(8, rt.requests.size());
        var pp = rt.requests.get(0);
        assertEquals(1, pp.maxTokens(), "pp measures the prompt: one token out");
        assertEquals("some prompt", pp.prompt());
        var tg = rt.requests.get(1);
        assertEquals("", tg.prompt(), "tg starts from BOS");
        assertEquals(16, tg.maxTokens());
        assertFalse(tg.stopAtEos(), "tg always generates all its tokens");
        assertEquals(List.of("pp", "tg", "pp", "tg"), runner.records().stream().limit(4).map(TurnRecord::kind).toList());
        var stats = BenchStatistics.metrics(runner.records());
        assertEquals(3, BenchStatistics.find(stats, "tg", "decode_tok_s").orElseThrow().n());
    }

    @Test
    void sustainedRepeatsConversationsUntilTheDurationIsOver() {
        TestClock clock = new TestClock();
        FakeRuntime rt = new FakeRuntime(clock, CALL);
        BenchRunner runner = new BenchRunner(rt, clock, clock.nanos(), new BenchRunner.Hooks(() -> null, () -> { }, t -> t));
        runner.runSustained(List.of(List.of("a", "b", "c")), ChatTemplate.of(Path.of("/nonexistent")), 2, Duration.ofMillis(450), 0);
        // 100 ms a turn: turns start at 0, 100, ..., 400 ms; the one under way at the deadline finishes.
        assertEquals(5, runner.records().size());
        assertEquals(List.of(0, 0, 0, 1, 1), runner.records().stream().map(TurnRecord::repetition).toList());
        assertEquals(List.of(0, 1, 2, 0, 1), runner.records().stream().map(TurnRecord::turn).toList());
    }
}
