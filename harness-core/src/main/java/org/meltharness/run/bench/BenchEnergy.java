package org.meltharness.run.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.meltharness.bench.PhaseEnergy;
import org.meltharness.bench.TurnRecord;
import org.meltharness.measure.ClockAnchor;
import org.meltharness.measure.MeterTrace;
import org.meltharness.measure.MonsoonTrace;
import org.meltharness.measure.PhaseSummary;
import org.meltharness.measure.PhaseWindow;
import org.meltharness.measure.PowerMeter;
import org.meltharness.measure.PowerMeters;
import org.meltharness.measure.Recording;

/**
 * A bench run's energy: each meter's joules over the load phase and over the prefill and decode of
 * every measured turn, per token where tokens were made, and one summary row per phase window.
 */
record BenchEnergy(List<PhaseEnergy> phases, List<PhaseSummary> rows) {

    static BenchEnergy of(List<MeterTrace> traces, List<PhaseWindow> windows, List<TurnRecord> turns, Recording recording) {
        List<TurnRecord> measured = turns.stream().filter(t -> !t.warmup()).toList();
        long inputTokens = measured.stream().mapToLong(t -> t.metrics().inputTokens()).sum();
        // Decode makes every token but the first (which prefill yields): the count decode tok/s uses too.
        long outputTokens = measured.stream().mapToLong(t -> Math.max(0, t.metrics().outputTokens() - 1)).sum();
        List<PhaseEnergy> energy = new ArrayList<>();
        List<PhaseSummary> rows = new ArrayList<>();
        for (MeterTrace trace : traces) {
            energy.add(PhaseEnergy.of("load", trace, named(windows, "load"), OptionalLong.empty()));
            energy.add(PhaseEnergy.of("prefill", trace, named(windows, "prefill"), OptionalLong.of(inputTokens)));
            energy.add(PhaseEnergy.of("decode", trace, named(windows, "decode"), OptionalLong.of(outputTokens)));
            for (PhaseWindow w : windows) rows.add(PhaseSummary.of(w, trace, recording, OptionalLong.empty(), OptionalLong.empty()));
        }
        return new BenchEnergy(energy, rows);
    }

    /** The meters' traces: the sampled ones, and a Monsoon export aligned by its start instant (its notes added to {@code notes}). */
    static List<MeterTrace> traces(List<PowerMeter> meters, Recording recording, MonsoonTrace monsoon, ClockAnchor anchor,
            java.time.Instant monsoonZero, List<String> notes) {
        List<MeterTrace> out = new ArrayList<>();
        if (monsoon == null || !PowerMeters.available(meters).isEmpty()) out.addAll(PowerMeters.traces(meters, recording));
        if (monsoon != null) {
            notes.addAll(monsoon.notes());
            out.add(monsoon.alignedAt(anchor, monsoonZero));
        }
        return out;
    }

    private static List<PhaseWindow> named(List<PhaseWindow> windows, String name) {
        return windows.stream().filter(w -> w.name().equals(name)).toList();
    }
}
