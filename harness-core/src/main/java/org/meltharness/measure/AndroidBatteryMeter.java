package org.meltharness.measure;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * An Android phone's battery through {@code adb shell}, reading
 * {@code /sys/class/power_supply/battery/{current_now,voltage_now,status}}: channel {@code battery}
 * in watts (|current| × voltage), with the signed current and the voltage beside it.
 *
 * <p>current_now is in µA, but its sign depends on the vendor (negative while discharging on some,
 * positive on others), so power takes its magnitude. While the battery is charging or full on
 * USB power, its current is the charger's net flow, not the phone's draw (near zero when full):
 * the meter is then unavailable, and a run whose phone starts charging loses the meter from that
 * reading on, rather than reporting energy that is wrong. A few older devices report mA; pass the
 * scale for them.
 */
public final class AndroidBatteryMeter implements PowerMeter {
    public static final String NAME = "android-battery";
    public static final String CHANNEL = "battery";
    static final String DIR = "/sys/class/power_supply/battery/";
    static final String COMMAND = "cat " + DIR + "current_now " + DIR + "voltage_now; cat " + DIR + "status 2>/dev/null";

    private final AdbShell adb;
    private final double ampsPerUnit;
    private final String unavailable;

    private AndroidBatteryMeter(AdbShell adb, double ampsPerUnit, String unavailable) {
        this.adb = adb;
        this.ampsPerUnit = ampsPerUnit;
        this.unavailable = unavailable;
    }

    /** current_now in µA, as the kernel documents it. */
    public static AndroidBatteryMeter open(AdbShell adb) {
        return open(adb, 1e-6);
    }

    /** @param ampsPerUnit 1e-6 for µA (the norm), 1e-3 for devices that report mA */
    public static AndroidBatteryMeter open(AdbShell adb, double ampsPerUnit) {
        String why;
        try {
            why = onExternalPower(parse(adb.run(COMMAND)));
        } catch (DeviceError e) {
            why = e.getMessage();
        } catch (IOException e) {
            why = "cannot run adb: " + Sampler.describe(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            why = "interrupted while asking adb for the battery";
        }
        return new AndroidBatteryMeter(adb, ampsPerUnit, why);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Scope scope() {
        return Scope.DEVICE;
    }

    @Override
    public Optional<String> whyUnavailable() {
        return Optional.ofNullable(unavailable);
    }

    @Override
    public boolean inTotal(String channel) {
        return channel.equals(CHANNEL);
    }

    @Override
    public List<Reading> read(Consumer<String> notes) throws IOException {
        Battery b;
        try {
            b = parse(adb.run(COMMAND));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        String external = onExternalPower(b);
        if (external != null) throw new IOException(external);
        double amps = b.current * ampsPerUnit;
        double volts = b.microvolts * 1e-6;
        List<Reading> out = new ArrayList<>(3);
        out.add(new Reading(CHANNEL, Quantity.POWER, Math.abs(amps) * volts));
        out.add(new Reading(CHANNEL, Quantity.CURRENT, amps));
        out.add(new Reading(CHANNEL, Quantity.VOLTAGE, volts));
        return out;
    }

    private record Battery(long current, long microvolts, String status) {}

    /** Why the battery cannot measure the phone now, or null: it is charging or full on external power. */
    private static String onExternalPower(Battery b) {
        if (!b.status.equalsIgnoreCase("Charging") && !b.status.equalsIgnoreCase("Full")) return null;
        return "battery is " + b.status + " (USB power): its current is the charger's, not the phone's draw; "
                + "use wireless debugging or a cable without power";
    }

    /** The device answered, but not with the battery: missing, unauthorised, permission denied. */
    private static final class DeviceError extends IOException {
        DeviceError(String message) {
            super(message);
        }
    }

    /** Two numbers, then the status if the device has it; anything else is the reason it failed. */
    private static Battery parse(AdbShell.Result r) throws DeviceError {
        // "adb: device unauthorized.", "adb: no devices/emulators found", "cat: ...: Permission denied"
        String[] lines = r.stdout().strip().split("\\s*\n\\s*");
        if (r.exitCode() != 0 && (lines.length < 2 || !isNumber(lines[0]) || !isNumber(lines[1]))) {
            String why = Processes.firstLine(r.stderr(), r.stdout());
            throw new DeviceError(why.isEmpty() ? "adb shell exited with " + r.exitCode() : why);
        }
        if (lines.length < 2 || !isNumber(lines[0]) || !isNumber(lines[1])) {
            String why = Processes.firstLine(r.stdout(), r.stderr());
            throw new DeviceError("cannot read " + DIR + "current_now and voltage_now" + (why.isEmpty() ? "" : ": " + why));
        }
        return new Battery(Long.parseLong(lines[0]), Long.parseLong(lines[1]), lines.length > 2 ? lines[2] : "");
    }

    private static boolean isNumber(String s) {
        return s.matches("-?\\d+");
    }
}
