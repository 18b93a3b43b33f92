package org.meltharness.bench;

import java.util.List;

/**
 * What a bench run was asked to do, stored as {@code bench.json} in its run folder; its presence
 * is what marks a run folder as a bench run.
 *
 * @param mode {@code chat} (conversations), {@code synthetic} (pp/tg) or {@code sustained}
 * @param chatTemplate {@code model} when the model's own chat template was used, {@code plain} for the fallback
 * @param meters the power meters asked for ({@code auto}, {@code none}, or names)
 * @param monsoonTrace a Monsoon CSV export aligned to the run, or null
 */
public record BenchConfig(
        BenchMode mode,
        String prompts,
        int conversations,
        int repetitions,
        int warmup,
        int maxTokens,
        int pp,
        int tg,
        Double sustainedSeconds,
        Double cooldownToCelsius,
        Double cooldownTimeoutSeconds,
        List<String> meters,
        String monsoonTrace,
        long samplePeriodMs,
        long seed,
        String verifyAgainst,
        String chatTemplate) {

    public static final String FILE = "bench.json";

    public BenchConfig {
        meters = meters == null ? List.of() : List.copyOf(meters);
    }
}
