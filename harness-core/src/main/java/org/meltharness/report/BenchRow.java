package org.meltharness.report;

import org.meltharness.bench.BenchMode;
import org.meltharness.bench.MeanSd;

/**
 * One stored bench run as the report's bench table shows it.
 *
 * @param ttftMs chat turns' TTFT, else the pp test's
 * @param prefillTokensPerSecond chat turns' prefill rate, else the pp test's
 * @param decodeTokensPerSecond chat turns' decode rate, else the tg test's
 * @param joulesPerToken decode energy per output token; null when unavailable
 * @param energyNote why energy is unavailable, or the meter that measured it
 */
public record BenchRow(
        String runId,
        String model,
        String runtime,
        String quant,
        BenchMode mode,
        MeanSd ttftMs,
        MeanSd prefillTokensPerSecond,
        MeanSd decodeTokensPerSecond,
        Long peakRssBytes,
        Double joulesPerToken,
        String energyNote,
        Double overheadFraction) {}
