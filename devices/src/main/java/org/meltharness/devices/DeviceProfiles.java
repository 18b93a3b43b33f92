package org.meltharness.devices;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.meltharness.HarnessException;

/**
 * Finds the device {@code --device} names: an address as it is, a YAML file by its path, or a
 * profile {@code NAME.yaml} in {@code $HARNESS_DEVICES_DIR}, {@code ./devices}, the harness's own
 * {@code devices/} and {@code ~/.config/melt-harness/devices}, first found wins.
 */
final class DeviceProfiles {
    private DeviceProfiles() {}

    static DeviceProfile resolve(String device) {
        if (device.contains("://") || device.equals("adb") || device.startsWith("adb:")) {
            DeviceProfile p = DeviceProfile.of(device);
            check(p, device);
            return p;
        }
        Path file = Path.of(device);
        if (!(device.endsWith(".yaml") || device.endsWith(".yml")) || !Files.isRegularFile(file)) {
            file = null;
            for (Path dir : searchDirs()) {
                Path candidate = dir.resolve(device + ".yaml");
                if (Files.isRegularFile(candidate)) {
                    file = candidate;
                    break;
                }
            }
            if (file == null) {
                throw HarnessException.usage("no device '" + device + "': not an address (ssh://user@host, adb:SERIAL) and no "
                        + device + ".yaml in " + String.join(", ", searchDirs().stream().map(Path::toString).toList()));
            }
        }
        return load(file);
    }

    static DeviceProfile load(Path file) {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY);
        DeviceProfile p;
        try {
            p = yaml.readValue(Files.readString(file), DeviceProfile.class);
        } catch (UnrecognizedPropertyException e) {
            throw HarnessException.usage(file + ": unknown key '" + e.getPropertyName() + "' (known: name, address, jdk, jvm_args, "
                    + "remote_dir, identity, known_hosts, meters, thermal_zones, cooldown_to, telemetry_period_ms, server, "
                    + "server_args, port)");
        } catch (JsonProcessingException e) {
            throw HarnessException.usage(file + ": not a device profile: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw HarnessException.usage("cannot read " + file + ": " + e.getMessage());
        }
        if (p == null || p.address() == null) throw HarnessException.usage(file + ": a device profile needs an address");
        if (p.name() == null) {
            String n = file.getFileName().toString();
            p = new DeviceProfile(n.substring(0, n.lastIndexOf('.')), p.address(), p.jdk(), p.jvmArgs(), p.remoteDir(),
                    p.identity(), p.knownHosts(), p.meters(), p.thermalZones(), p.cooldownTo(), p.telemetryPeriodMs(),
                    p.server(), p.serverArgs(), p.port());
        }
        check(p, file.toString());
        return p;
    }

    private static void check(DeviceProfile p, String where) {
        if (!p.isSsh() && !p.isAdb()) {
            throw HarnessException.usage(where + ": device address '" + p.address()
                    + "' is neither ssh://user@host[:port] nor adb:SERIAL");
        }
    }

    static List<Path> searchDirs() {
        List<Path> dirs = new ArrayList<>();
        String env = System.getenv("HARNESS_DEVICES_DIR");
        if (env != null && !env.isBlank()) dirs.add(Path.of(env));
        dirs.add(Path.of("devices"));
        String home = System.getProperty("harness.home");
        if (home != null) dirs.add(Path.of(home, "devices"));
        dirs.add(Path.of(System.getProperty("user.home"), ".config", "melt-harness", "devices"));
        return dirs;
    }

    /** {@code ~/x} as the user's home, for paths in profiles. */
    static Path expand(String path) {
        if (path.equals("~")) return Path.of(System.getProperty("user.home"));
        if (path.startsWith("~/")) return Path.of(System.getProperty("user.home"), path.substring(2));
        return Path.of(path);
    }
}
