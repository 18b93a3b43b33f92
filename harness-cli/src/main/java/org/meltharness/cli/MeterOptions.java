package org.meltharness.cli;

import java.nio.file.Path;
import java.util.List;
import org.meltharness.bench.Durations;
import org.meltharness.run.bench.MeterSettings;
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

    /** The meters and sensors asked for; the meters themselves are opened (and checked) when the bench runs. */
    MeterSettings settings() {
        return new MeterSettings(meters, monsoonTrace, monsoonStart, adbSerial, Durations.parse(samplePeriod), sysRoot, nvidiaSmi);
    }
}
