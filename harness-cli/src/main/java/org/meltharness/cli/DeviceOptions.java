package org.meltharness.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import org.meltharness.HarnessException;
import org.meltharness.device.DeviceRequest;
import org.meltharness.device.DeviceRunner;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/** {@code --device} and how to reach it: eval and bench hand themselves to the devices module when it is given. */
public final class DeviceOptions {
    private static final Set<String> NAMES = Set.of("--device", "--identity", "--known-hosts",
            "--insecure-skip-host-key-check", "--server", "--device-option");

    @Option(names = "--device", paramLabel = "ADDRESS|NAME",
            description = "Run on another machine: ssh://user@host[:port], adb:SERIAL, or a device profile "
                    + "(devices/NAME.yaml).")
    String device;

    @Option(names = "--identity", paramLabel = "FILE",
            description = "SSH private key for --device (default: ~/.ssh/id_ed25519, id_ecdsa, id_rsa).")
    Path identity;

    @Option(names = "--known-hosts", paramLabel = "FILE",
            description = "known_hosts file the device's SSH host key is checked against (default: $HARNESS_KNOWN_HOSTS, "
                    + "else ~/.ssh/known_hosts).")
    Path knownHosts;

    @Option(names = "--insecure-skip-host-key-check",
            description = "Accept any SSH host key (warns; only for throwaway devices on a trusted network).")
    boolean insecureHostKey;

    @Option(names = "--server", paramLabel = "BINARY",
            description = "adb devices: the native server pushed and started on the phone (llama-server).")
    String server;

    @Option(names = "--device-option", paramLabel = "KEY=VALUE",
            description = "A device setting: remote_dir, java, jvm_args, cooldown_to, port (see README, Remote devices).")
    Map<String, String> options = new LinkedHashMap<>();

    /** Whether the command is to run on a device. */
    boolean remote() {
        return device != null;
    }

    /** Hands the command, with every option the user gave, to the devices module. */
    int dispatch(String command, CommandSpec spec) {
        List<DeviceRequest.Arg> args = new ArrayList<>();
        for (OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
            if (NAMES.contains(o.longestName())) continue;
            if (o.arity().max() == 0) {
                args.add(new DeviceRequest.Arg(o.longestName(), List.of()));
            } else {
                for (String raw : o.originalStringValues()) args.add(new DeviceRequest.Arg(o.longestName(), List.of(raw)));
            }
        }
        DeviceRunner runner = ServiceLoader.load(DeviceRunner.class).findFirst().orElseThrow(() -> HarnessException.usage(
                "--device needs the devices module on the class path (./harness builds and includes it)"));
        return runner.run(new DeviceRequest(command, device, identity, knownHosts, insecureHostKey, server, options, args,
                spec.commandLine().getOut(), spec.commandLine().getErr()));
    }
}
