package org.meltharness.bench;

import java.util.List;
import org.meltharness.bench.BenchStatistics.MetricSummary;
import org.meltharness.bench.BenchStatistics.PositionSummary;

/**
 * A bench run's {@code summary.json}: timings over repetitions, energy per phase, memory,
 * temperatures, the harness's overhead and the output check.
 *
 * @param label model label as tables show it
 * @param measuredTurns turns that count (warm-up excluded)
 * @param peakRssBytes the process's peak resident set (VmHWM), model load included
 * @param kvCacheBytes the KV cache as the runtime reports it, null when it does not
 * @param startCelsius hottest zone at the first measured turn's start; null without thermal sensors
 * @param verification null unless the run was checked against a reference
 */
public record BenchSummary(
        String runId,
        BenchMode mode,
        String model,
        String label,
        String runtime,
        String quant,
        String weightDtype,
        long modelBytes,
        int measuredTurns,
        int warmupTurns,
        List<MetricSummary> metrics,
        List<PositionSummary> positions,
        List<PhaseEnergy> energy,
        Long peakRssBytes,
        Long heapPeakBytes,
        Long kvCacheBytes,
        Double startCelsius,
        Double endCelsius,
        Double maxCelsius,
        Overhead overhead,
        Verification.Result verification,
        List<String> notes) {

    public BenchSummary {
        metrics = List.copyOf(metrics);
        positions = List.copyOf(positions);
        energy = List.copyOf(energy);
        notes = List.copyOf(notes);
    }

    /** Energy per token of a phase from the first meter that measured it; null when none did. */
    public PhaseEnergy energyOf(String phase) {
        return energy.stream().filter(e -> e.phase().equals(phase) && e.available()).findFirst()
                .orElse(energy.stream().filter(e -> e.phase().equals(phase)).findFirst().orElse(null));
    }
}
