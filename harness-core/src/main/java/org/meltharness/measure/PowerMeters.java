package org.meltharness.measure;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** The power meters a machine may have without extra hardware, each saying whether it is there. */
public final class PowerMeters {
    private PowerMeters() {}

    /** RAPL, nvidia-smi and Jetson rails on this machine. */
    public static List<PowerMeter> local() {
        return local(Path.of("/sys"), List.of("nvidia-smi"));
    }

    /** The same, read from {@code sysRoot} and running nvidia-smi as {@code nvidiaSmi}. */
    public static List<PowerMeter> local(Path sysRoot, List<String> nvidiaSmi) {
        return List.of(RaplMeter.open(sysRoot), NvidiaSmiMeter.open(nvidiaSmi), JetsonRailsMeter.open(sysRoot));
    }

    public static List<PowerMeter> available(List<? extends PowerMeter> meters) {
        return meters.stream().filter(m -> m.whyUnavailable().isEmpty()).map(m -> (PowerMeter) m).toList();
    }

    /**
     * One trace per available meter, or, when none is, a single unavailable trace named
     * {@code none} whose reason lists why each is absent: a run always has an energy row to show.
     */
    public static List<MeterTrace> traces(List<? extends PowerMeter> meters, Recording recording) {
        List<MeterTrace> out = new ArrayList<>();
        for (PowerMeter m : available(meters)) out.add(MeterTrace.of(m, recording));
        if (out.isEmpty()) out.add(MeterTrace.unavailable("none", PowerMeter.Scope.DEVICE, whyNone(meters)));
        return out;
    }

    /** Why each meter is absent, in one line: the reason energy is reported unavailable. */
    public static String whyNone(List<? extends PowerMeter> meters) {
        if (meters.isEmpty()) return "no power meter configured";
        return "no power meter: " + meters.stream()
                .map(m -> m.name() + ": " + m.whyUnavailable().orElse("available"))
                .collect(Collectors.joining("; "));
    }
}
