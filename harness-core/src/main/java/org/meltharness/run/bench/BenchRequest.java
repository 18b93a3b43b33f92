package org.meltharness.run.bench;

import java.nio.file.Path;
import java.time.Duration;
import org.meltharness.run.DataLocation;
import org.meltharness.run.ModelRequest;

/**
 * One {@code bench}: conversations turn by turn (chat), llama-bench's pp/tg tests (synthetic), or the
 * conversations for a stretch of time (sustained).
 *
 * @param prompts melt, melt-sustained or a JSON file of conversations; null for melt (melt-sustained when sustained)
 * @param conversations the first N conversations of the set
 * @param repetitions measured passes over the workload
 * @param warmup unmeasured generations first
 * @param maxTokens tokens generated at most per turn
 * @param pp the pp test's prompt length in random tokens, or null
 * @param tg the tg test's tokens, or null
 * @param sustained how long a sustained run lasts, or null for chat or synthetic
 * @param cooldownTo before each measured repetition, wait until every thermal zone is below this (°C), or null
 * @param cooldownTimeout give up waiting for the cool-down after this long
 * @param verifyAgainst a previous bench run (id or folder) whose greedy outputs every turn is checked against, or null
 * @param seed seeds random weights and the pp prompt
 * @param runId the run folder's name, or null for a new timestamped one
 */
public record BenchRequest(ModelRequest model, String prompts, int conversations, int repetitions, int warmup, int maxTokens,
        Integer pp, Integer tg, Duration sustained, Double cooldownTo, Duration cooldownTimeout, String verifyAgainst, long seed,
        MeterSettings meters, DataLocation data, Path output, String runId) {}
