package org.meltharness.devices;

import org.meltharness.HarnessException;
import org.meltharness.device.DeviceRequest;
import org.meltharness.device.DeviceRunner;

/**
 * The devices module's entry ({@code META-INF/services}): resolves {@code --device} to a profile
 * and runs the command over SSH or adb.
 */
public final class Devices implements DeviceRunner {
    @Override
    public int run(DeviceRequest request) {
        // MINA logs a refused host key or a dropped link as a warning with a trace; the user gets one line from us instead.
        if (System.getProperty("org.slf4j.simpleLogger.log.org.apache.sshd") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.org.apache.sshd", "error");
        }
        DeviceProfile profile = DeviceProfiles.resolve(request.device());
        if (profile.isAdb()) return new AdbRun(profile, request).run();
        return new SshRun(profile, request).run();
    }
}
