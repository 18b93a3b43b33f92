package org.meltharness.run.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.meltharness.HarnessException;
import org.meltharness.measure.AdbShell;
import org.meltharness.measure.AndroidBatteryMeter;
import org.meltharness.measure.JetsonRailsMeter;
import org.meltharness.measure.MonsoonTrace;
import org.meltharness.measure.NvidiaSmiMeter;
import org.meltharness.measure.PowerMeter;
import org.meltharness.measure.PowerMeters;
import org.meltharness.measure.RaplMeter;

/**
 * Which power meters and sensors a bench reads, and how often.
 *
 * @param meters auto, none, or any of rapl, nvidia, jetson, android
 * @param monsoonTrace a Monsoon power monitor's CSV export of the run, or null
 * @param monsoonStart the wall-clock time (ISO-8601) of the trace's time 0, or null
 * @param adbSerial the Android device of the android meter, or null for the only one
 * @param samplePeriod how often meters and sensors are read
 * @param sysRoot where /sys is read (a copy of it in tests)
 * @param nvidiaSmi how nvidia-smi is run, split at spaces
 */
public record MeterSettings(List<String> meters, Path monsoonTrace, String monsoonStart, String adbSerial, Duration samplePeriod,
        Path sysRoot, String nvidiaSmi) {

    public MeterSettings {
        meters = meters == null ? List.of("auto") : List.copyOf(meters);
        if (sysRoot == null) sysRoot = Path.of("/sys");
        if (nvidiaSmi == null) nvidiaSmi = "nvidia-smi";
        if (samplePeriod == null) samplePeriod = Duration.ofMillis(100);
    }

    /** The sampling period, checked. */
    Duration period() {
        if (!samplePeriod.isPositive()) throw HarnessException.usage("--sample-period must be positive");
        return samplePeriod;
    }

    /** The meters asked for; those absent here stay in the list and say why, so energy is reported unavailable. */
    List<PowerMeter> powerMeters() {
        List<String> command = Arrays.asList(nvidiaSmi.strip().split("\\s+"));
        List<PowerMeter> out = new ArrayList<>();
        for (String m : meters) {
            switch (m.strip().toLowerCase(Locale.ROOT)) {
                case "none" -> { }
                case "auto" -> out.addAll(PowerMeters.local(sysRoot, command));
                case "rapl" -> out.add(RaplMeter.open(sysRoot));
                case "nvidia" -> out.add(NvidiaSmiMeter.open(command));
                case "jetson" -> out.add(JetsonRailsMeter.open(sysRoot));
                case "android" -> out.add(AndroidBatteryMeter.open(AdbShell.adb(List.of("adb"), adbSerial, Duration.ofSeconds(10))));
                default -> throw HarnessException.usage("unknown meter '" + m + "': auto, none, rapl, nvidia, jetson or android");
            }
        }
        if (meters.stream().anyMatch(m -> m.strip().equalsIgnoreCase("none")) && meters.size() > 1) {
            throw HarnessException.usage("--meter none cannot be combined with other meters");
        }
        return out;
    }

    /** The Monsoon export, or null; its start instant is required with it. */
    MonsoonTrace monsoon() {
        if (monsoonTrace == null) {
            if (monsoonStart != null) throw HarnessException.usage("--monsoon-start needs --monsoon-trace");
            return null;
        }
        if (monsoonStart == null) throw HarnessException.usage("--monsoon-trace needs --monsoon-start (the wall-clock time of its time 0)");
        return MonsoonTrace.read(monsoonTrace);
    }

    Instant monsoonZero() {
        try {
            return Instant.parse(monsoonStart);
        } catch (DateTimeParseException e) {
            throw HarnessException.usage("--monsoon-start is not an ISO-8601 instant: " + monsoonStart);
        }
    }
}
