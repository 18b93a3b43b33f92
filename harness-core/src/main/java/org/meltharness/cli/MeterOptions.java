package org.meltharness.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.meltharness.HarnessException;
import org.meltharness.bench.Durations;
import org.meltharness.measure.AdbShell;
import org.meltharness.measure.AndroidBatteryMeter;
import org.meltharness.measure.JetsonRailsMeter;
import org.meltharness.measure.MonsoonTrace;
import org.meltharness.measure.NvidiaSmiMeter;
import org.meltharness.measure.PowerMeter;
import org.meltharness.measure.PowerMeters;
import org.meltharness.measure.RaplMeter;
import picocli.CommandLine.Option;

/** Which power meters and sensors a measured command reads, and how often. */
public final class MeterOptions {
    @Option(names = "--meter", split = ",", paramLabel = "METER", defaultValue = "auto",
            description = "Power meters: auto (every one found: RAPL, nvidia-smi, Jetson rails), none, or any of rapl, nvidia, "
                    + "jetson, android (adb battery) (default: ${DEFAULT-VALUE}).")
    List<String> meters;

    @Option(names = "--monsoon-trace", paramLabel = "CSV", description = "A Monsoon power monitor's CSV export of this run, "
            + "aligned by --monsoon-start.")
    Path monsoonTrace;

    @Option(names = "--monsoon-start", paramLabel = "INSTANT",
            description = "Wall-clock time (ISO-8601, e.g. 2026-11-25T06:00:00.250Z) of the Monsoon trace's time 0.")
    String monsoonStart;

    @Option(names = "--adb-serial", paramLabel = "SERIAL", description = "The Android device of --meter android (default: the only one).")
    String adbSerial;

    @Option(names = "--sample-period", paramLabel = "DURATION", defaultValue = "100ms",
            description = "How often meters and sensors are read (default: ${DEFAULT-VALUE}).")
    String samplePeriod;

    @Option(names = "--sys-root", paramLabel = "DIR", defaultValue = "/sys", hidden = true,
            description = "Read thermal zones, cpufreq, RAPL and Jetson rails under this copy of /sys (tests).")
    Path sysRoot;

    @Option(names = "--nvidia-smi", paramLabel = "COMMAND", defaultValue = "nvidia-smi", hidden = true,
            description = "How to run nvidia-smi (a stand-in in tests); split at spaces.")
    String nvidiaSmi;

    Duration period() {
        Duration d = Durations.parse(samplePeriod);
        if (!d.isPositive()) throw HarnessException.usage("--sample-period must be positive");
        return d;
    }

    /** The meters asked for; those absent here stay in the list and say why, so energy is reported unavailable. */
    List<PowerMeter> powerMeters() {
        List<String> command = Arrays.asList(nvidiaSmi.strip().split("\\s+"));
        List<PowerMeter> out = new ArrayList<>();
        for (String m : meters) {
            switch (m.strip().toLowerCase(java.util.Locale.ROOT)) {
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
