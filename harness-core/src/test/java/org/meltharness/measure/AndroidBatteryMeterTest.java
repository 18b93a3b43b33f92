package org.meltharness.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AndroidBatteryMeterTest {
    /** A device that answers with the given results in turn, and checks what it was asked. */
    private static AdbShell device(AdbShell.Result... answers) {
        Deque<AdbShell.Result> queue = new ArrayDeque<>(Arrays.asList(answers));
        return command -> {
            assertEquals("cat /sys/class/power_supply/battery/current_now /sys/class/power_supply/battery/voltage_now; "
                    + "cat /sys/class/power_supply/battery/status 2>/dev/null", command);
            return queue.size() > 1 ? queue.poll() : queue.peek();
        };
    }

    private static AdbShell.Result ok(String stdout) {
        return new AdbShell.Result(0, stdout, "");
    }

    @Test
    void powerIsTheMagnitudeOfCurrentTimesVoltageWhicheverSignTheVendorUses() throws Exception {
        for (String current : List.of("-512340", "512340")) {
            AndroidBatteryMeter m = AndroidBatteryMeter.open(device(ok(current + "\n3987000\nDischarging\n")));
            assertEquals(Optional.empty(), m.whyUnavailable());
            List<Reading> r = m.read(n -> {});
            assertEquals("battery", r.get(0).channel());
            assertEquals(Quantity.POWER, r.get(0).quantity());
            assertEquals(0.51234 * 3.987, r.get(0).value(), 1e-12);
            assertEquals(Long.parseLong(current) * 1e-6, r.get(1).value(), 1e-12);
            assertEquals(3.987, r.get(2).value(), 1e-12);
        }
    }

    @Test
    void oldDevicesWithCarriageReturnsAndMilliampsAreRead() throws Exception {
        AndroidBatteryMeter m = AndroidBatteryMeter.open(device(ok("-512\r\n3987000\r\n")), 1e-3);
        assertEquals(0.512 * 3.987, m.read(n -> {}).getFirst().value(), 1e-12);
    }

    @Test
    void chargingOrFullOnUsbPowerIsUnavailableNotAWrongReading() throws Exception {
        for (String status : List.of("Charging", "Full")) {
            String why = AndroidBatteryMeter.open(device(ok("412000\n4350000\n" + status + "\n"))).whyUnavailable().orElseThrow();
            assertEquals("battery is " + status + " (USB power): its current is the charger's, not the phone's draw; "
                    + "use wireless debugging or a cable without power", why);
        }
        // Plugged in mid-run: the probe stops, so later windows are unavailable rather than near zero.
        AndroidBatteryMeter m = AndroidBatteryMeter.open(device(ok("-400000\n3900000\nDischarging\n"),
                ok("-400000\n3900000\nDischarging\n"), ok("300000\n4300000\nCharging\n")));
        m.read(n -> {});
        var e = assertThrows(IOException.class, () -> m.read(n -> {}));
        assertTrue(e.getMessage().startsWith("battery is Charging (USB power)"), e.getMessage());
    }

    @Test
    void noDeviceUnauthorisedOrDeniedIsUnavailableWithAdbsWords() {
        assertEquals(Optional.of("adb: no devices/emulators found"),
                AndroidBatteryMeter.open(device(new AdbShell.Result(1, "", "adb: no devices/emulators found\n"))).whyUnavailable());
        assertEquals(Optional.of("adb: device unauthorized."), AndroidBatteryMeter.open(device(new AdbShell.Result(1, "",
                "adb: device unauthorized.\nThis adb server's $ADB_VENDOR_KEYS is not set\nTry 'adb kill-server' if that seems wrong.\n"
                        + "Otherwise check for a confirmation dialog on your device.\n"))).whyUnavailable());
        // Devices before Android 7 report exit code 0 and put errors on stdout.
        assertEquals(Optional.of("cannot read /sys/class/power_supply/battery/current_now and voltage_now: "
                + "cat: /sys/class/power_supply/battery/current_now: Permission denied"),
                AndroidBatteryMeter.open(device(ok("cat: /sys/class/power_supply/battery/current_now: Permission denied\r\n3987000\r\n")))
                        .whyUnavailable());
    }

    @Test
    void aMissingAdbIsUnavailable() {
        AdbShell adb = AdbShell.adb(List.of("/nonexistent/adb"), "emulator-5554", Duration.ofSeconds(5));
        String why = AndroidBatteryMeter.open(adb).whyUnavailable().orElseThrow();
        assertTrue(why.startsWith("cannot run adb: Cannot run program \"/nonexistent/adb\""), why);
    }

    @Test
    void aDeviceUnpluggedMidRunStopsTheProbe() throws Exception {
        AndroidBatteryMeter m = AndroidBatteryMeter.open(device(ok("-400000\n3900000\n"), ok("-400000\n3900000\n"),
                new AdbShell.Result(1, "", "adb: device 'R58M12ABCDE' not found\n")));
        m.read(n -> {});
        var e = assertThrows(IOException.class, () -> m.read(n -> {}));
        assertEquals("adb: device 'R58M12ABCDE' not found", e.getMessage());
    }
}
