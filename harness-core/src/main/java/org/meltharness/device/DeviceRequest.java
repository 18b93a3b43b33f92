package org.meltharness.device;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One {@code eval} or {@code bench} to run on a device: the device options, and every other option
 * as the user gave it, to be passed on (with local paths replaced by their copies on the device).
 *
 * @param command {@code eval} or {@code bench}
 * @param device {@code ssh://user@host[:port]}, {@code adb:SERIAL} or a profile name
 * @param identity the SSH private key, or null for ~/.ssh/id_*
 * @param knownHosts the known_hosts file, or null for the default
 * @param insecureHostKey accept any host key
 * @param server the native server binary to run on an adb device, or null
 * @param options further device settings ({@code --device-option key=value})
 * @param args the command's other options in the order given
 */
public record DeviceRequest(
        String command, String device, Path identity, Path knownHosts, boolean insecureHostKey, String server,
        Map<String, String> options, List<Arg> args, PrintWriter out, PrintWriter err) {

    public DeviceRequest {
        options = Map.copyOf(options);
        args = List.copyOf(args);
    }

    /** A numeric {@code --device-option}, or {@code fallback} when it is not given; a bad number is a usage error. */
    public double number(String key, double fallback) {
        String v = options.get(key);
        if (v == null) return fallback;
        try {
            return Double.parseDouble(v.strip());
        } catch (NumberFormatException e) {
            throw org.meltharness.HarnessException.usage("--device-option " + key + " must be a number, not '" + v + "'");
        }
    }

    /** One option as given: its longest name and its value (none for a flag). */
    public record Arg(String name, List<String> values) {
        public Arg {
            values = List.copyOf(values);
        }
    }
}
