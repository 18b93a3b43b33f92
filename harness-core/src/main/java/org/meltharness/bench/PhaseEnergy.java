package org.meltharness.bench;

import java.util.List;
import java.util.OptionalLong;
import org.meltharness.measure.Energy;
import org.meltharness.measure.EnergyIntegrator;
import org.meltharness.measure.MeterTrace;
import org.meltharness.measure.PhaseWindow;

/**
 * One meter's energy over every window of one phase (load, or the prefill or decode of every
 * measured turn) and per token. Null joules come with the reason in {@code unavailable}: energy
 * that was not measured is never reported as 0.
 *
 * @param windows how many windows were summed
 */
public record PhaseEnergy(
        String phase,
        String meter,
        String scope,
        double seconds,
        int windows,
        Long tokens,
        Double joules,
        Double meanWatts,
        Double joulesPerToken,
        String unavailable) {

    /** Sums the meter's energy over the windows; unavailable as soon as one window is. */
    public static PhaseEnergy of(String phase, MeterTrace meter, List<PhaseWindow> windows, OptionalLong tokens) {
        String scope = meter.scope().name().toLowerCase(java.util.Locale.ROOT);
        double seconds = windows.stream().mapToDouble(PhaseWindow::durationSeconds).sum();
        Long tok = tokens.isPresent() ? tokens.getAsLong() : null;
        if (windows.isEmpty()) return new PhaseEnergy(phase, meter.meter(), scope, 0, 0, tok, null, null, null, "no " + phase + " phase measured");
        double joules = 0;
        for (PhaseWindow w : windows) {
            Energy e = EnergyIntegrator.integrate(meter, w, OptionalLong.empty());
            if (!e.available()) {
                return new PhaseEnergy(phase, meter.meter(), scope, seconds, windows.size(), tok, null, null, null, e.unavailable().get());
            }
            joules += e.joules().getAsDouble();
        }
        Double perToken = tok != null && tok > 0 ? joules / tok : null;
        return new PhaseEnergy(phase, meter.meter(), scope, seconds, windows.size(), tok, joules, seconds > 0 ? joules / seconds : null,
                perToken, null);
    }

    public boolean available() {
        return joules != null;
    }
}
