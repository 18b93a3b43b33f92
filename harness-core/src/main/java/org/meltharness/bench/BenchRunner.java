package org.meltharness.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.meltharness.measure.MonotonicClock;
import org.meltharness.measure.PhaseWindow;
import org.meltharness.runtime.Generation;
import org.meltharness.runtime.GenerationRequest;
import org.meltharness.runtime.Runtime;
import org.meltharness.runtime.TokenListener;

/**
 * Runs a bench workload on a loaded runtime: MELT's conversations turn by turn with their history,
 * llama-bench's pp/tg tests, or conversations repeated for a set time. Every generation becomes a
 * {@link TurnRecord} handed to the sink as it finishes; measured turns also leave a prefill and a
 * decode {@link PhaseWindow} for energy. Greedy decoding throughout, so outputs can be verified.
 */
public final class BenchRunner {
    private final Runtime runtime;
    private final MonotonicClock clock;
    private final long originNanos;
    private final Hooks hooks;
    private final List<TurnRecord> records = new ArrayList<>();
    private final List<PhaseWindow> windows = new ArrayList<>();
    private long runtimeNanos;
    private long loopNanos;
    private long waitNanos;
    private long warmupRuntimeNanos;
    private long warmupLoopNanos;

    /**
     * What the runner calls out to.
     *
     * @param hottestCelsius the hottest thermal zone now, or null without sensors
     * @param beforeMeasuredPass called before each measured repetition (the cool-down wait); its time
     *     is not the harness's overhead
     * @param sink receives every finished turn, warm-ups included, and returns it as kept (verified, say)
     */
    public record Hooks(Supplier<Double> hottestCelsius, Runnable beforeMeasuredPass, UnaryOperator<TurnRecord> sink) {}

    /** @param originNanos the clock reading that record times count from (the sampler's start) */
    public BenchRunner(Runtime runtime, MonotonicClock clock, long originNanos, Hooks hooks) {
        this.runtime = runtime;
        this.clock = clock;
        this.originNanos = originNanos;
        this.hooks = hooks;
    }

    /** A chat: each user turn is added to the history, the prompt rendered with the template, the reply appended. */
    public void runChat(List<List<String>> conversations, ChatTemplate template, int maxTokens, int repetitions, int warmup) {
        long start = warmUp(() -> warmUpChat(conversations, template, maxTokens, warmup));
        for (int rep = 0; rep < repetitions; rep++) {
            pass();
            for (int c = 0; c < conversations.size(); c++) conversation(conversations.get(c), c, rep, template, maxTokens, Long.MAX_VALUE);
        }
        loopNanos += clock.nanos() - start;
    }

    /**
     * Conversations over and over until {@code duration} has passed (MELT's sustained run); a turn
     * under way at the deadline finishes, no new one starts. Each pass over the set is a repetition.
     */
    public void runSustained(List<List<String>> conversations, ChatTemplate template, int maxTokens, Duration duration, int warmup) {
        long start = warmUp(() -> warmUpChat(conversations, template, maxTokens, warmup));
        pass();
        long deadline = clock.nanos() + duration.toNanos();
        for (int rep = 0; clock.nanos() < deadline; rep++) {
            for (int c = 0; c < conversations.size() && clock.nanos() < deadline; c++) {
                conversation(conversations.get(c), c, rep, template, maxTokens, deadline);
            }
        }
        loopNanos += clock.nanos() - start;
    }

    /**
     * llama-bench's tests: {@code pp} processes a prompt of that many tokens (one token generated, its
     * prefill rate counts), {@code tg} generates that many tokens after BOS, end-of-sequence ignored.
     *
     * @param ppPrompt the pp test's prompt text, or null for no pp test
     * @param tg tokens of the tg test, 0 for none
     */
    public void runSynthetic(String ppPrompt, int tg, int repetitions, int warmup) {
        long start = warmUp(() -> {
            for (int w = 0; w < warmup; w++) synthetic(ppPrompt, tg, w, true);
        });
        for (int rep = 0; rep < repetitions; rep++) {
            pass();
            synthetic(ppPrompt, tg, rep, false);
        }
        loopNanos += clock.nanos() - start;
    }

    private void synthetic(String ppPrompt, int tg, int rep, boolean warmup) {
        if (ppPrompt != null) generate("pp", 0, 0, rep, warmup, new GenerationRequest(ppPrompt, 1, 0.0, 0L, false, List.of()));
        if (tg > 0) generate("tg", 0, 0, rep, warmup, new GenerationRequest("", tg, 0.0, 0L, false, List.of()));
    }

    /** The first {@code warmup} turns of the workload, conversations in order, unmeasured. */
    private void warmUpChat(List<List<String>> conversations, ChatTemplate template, int maxTokens, int warmup) {
        int done = 0;
        for (int rep = 0; done < warmup; rep++) {
            for (int c = 0; c < conversations.size() && done < warmup; c++) {
                List<ChatTemplate.Message> history = new ArrayList<>();
                List<String> turns = conversations.get(c);
                for (int t = 0; t < turns.size() && done < warmup; t++, done++) {
                    chatTurn(history, turns.get(t), c, t, rep, true, template, maxTokens);
                }
            }
        }
    }

    private void conversation(List<String> turns, int c, int rep, ChatTemplate template, int maxTokens, long deadline) {
        List<ChatTemplate.Message> history = new ArrayList<>();
        for (int t = 0; t < turns.size() && clock.nanos() < deadline; t++) chatTurn(history, turns.get(t), c, t, rep, false, template, maxTokens);
    }

    private void chatTurn(List<ChatTemplate.Message> history, String user, int c, int t, int rep, boolean warmup, ChatTemplate template,
            int maxTokens) {
        history.add(new ChatTemplate.Message("user", user));
        String prompt = template.render(history, true);
        Generation g = generate("chat", c, t, rep, warmup, GenerationRequest.greedy(prompt, maxTokens));
        history.add(new ChatTemplate.Message("assistant", g.text().strip()));
    }

    /** Runs the warm-up, timing it apart; returns when the measured part starts. */
    private long warmUp(Runnable warmup) {
        long start = clock.nanos();
        warmup.run();
        long end = clock.nanos();
        warmupLoopNanos += end - start;
        return end;
    }

    private void pass() {
        long t0 = clock.nanos();
        hooks.beforeMeasuredPass().run();
        waitNanos += clock.nanos() - t0;
    }

    private Generation generate(String kind, int c, int t, int rep, boolean warmup, GenerationRequest request) {
        Double startCelsius = hooks.hottestCelsius().get();
        long t0 = clock.nanos();
        Generation g = runtime.generate(request, TokenListener.NONE);
        long t1 = clock.nanos();
        if (warmup) warmupRuntimeNanos += t1 - t0;
        else runtimeNanos += t1 - t0;
        Double endCelsius = hooks.hottestCelsius().get();
        if (!warmup) {
            // The runtime's own clock starts just after ours; its prefill time places the split.
            // The first token comes out of prefill; decode makes the rest. A turn of one token (pp) has
            // no decode window, so decode energy is never a sliver of prefill divided by one token.
            if (g.tokens().length <= 1) {
                windows.add(new PhaseWindow("prefill", t0, Math.max(t1, t0 + 1)));
            } else {
                long split = Math.max(t0 + 1, Math.min(t1 - 1, t0 + Math.max(1, g.prefillNanos())));
                windows.add(new PhaseWindow("prefill", t0, split));
                windows.add(new PhaseWindow("decode", split, Math.max(t1, split + 1)));
            }
        }
        List<Integer> tokens = Arrays.stream(g.tokens()).boxed().toList();
        TurnRecord r = new TurnRecord(kind, c, t, rep, warmup, (t0 - originNanos) / 1e9, TurnMetrics.of(g, t1 - t0),
                g.finishReason().name().toLowerCase(java.util.Locale.ROOT), startCelsius, endCelsius, tokens, null, null);
        records.add(hooks.sink().apply(r));
        return g;
    }

    /** Every turn so far, warm-ups included, as handed to the sink. */
    public List<TurnRecord> records() {
        return List.copyOf(records);
    }

    /** Prefill and decode windows of the measured turns, in order. */
    public List<PhaseWindow> windows() {
        return List.copyOf(windows);
    }

    /** Time of the measured loops less cool-down waits, time inside the runtime, and the same for the warm-up. */
    public Overhead overhead() {
        return Overhead.of(loopNanos - waitNanos, runtimeNanos, warmupLoopNanos, warmupRuntimeNanos);
    }
}
