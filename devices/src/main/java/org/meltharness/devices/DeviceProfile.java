package org.meltharness.devices;

import java.util.List;

/**
 * A device described once ({@code devices/NAME.yaml}): where it is, what runs there, what it measures.
 *
 * @param address {@code ssh://user@host[:port]} or {@code adb:SERIAL}
 * @param jdk the JDK home (or its {@code java}) on an SSH device; default {@code $JAVA_HOME/bin/java}, then {@code java} on its PATH
 * @param jvmArgs further JVM options on the device ({@code -Xmx6g})
 * @param remoteDir where the harness keeps its content-addressed copies and runs on the device
 * @param identity SSH private key on this machine
 * @param knownHosts known_hosts file on this machine
 * @param meters power meters bench uses on the device ({@code --meter}): jetson, rapl, android, none
 * @param thermalZones zone types that count for telemetry and cool-down (all when empty)
 * @param cooldownTo degrees Celsius every counted zone must be below before a run starts
 * @param telemetryPeriodMs how often the device's sensors are read over the connection
 * @param server an adb device's native server binary on this machine (llama-server)
 * @param serverArgs further arguments of that server
 * @param port the server's port on the phone and on this machine
 */
public record DeviceProfile(
        String name, String address, String jdk, List<String> jvmArgs, String remoteDir, String identity,
        String knownHosts, List<String> meters, List<String> thermalZones, Double cooldownTo, Integer telemetryPeriodMs,
        String server, List<String> serverArgs, Integer port) {

    public DeviceProfile {
        jvmArgs = jvmArgs == null ? List.of() : List.copyOf(jvmArgs);
        meters = meters == null ? List.of() : List.copyOf(meters);
        thermalZones = thermalZones == null ? List.of() : List.copyOf(thermalZones);
        serverArgs = serverArgs == null ? List.of() : List.copyOf(serverArgs);
    }

    /** A bare address given on the command line, with nothing else known. */
    static DeviceProfile of(String address) {
        return new DeviceProfile(null, address, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    boolean isSsh() {
        return address.startsWith("ssh://");
    }

    boolean isAdb() {
        return address.equals("adb") || address.startsWith("adb:");
    }

    /** How the user named the device: the profile, else the address. */
    String label() {
        return name != null ? name : address;
    }
}
