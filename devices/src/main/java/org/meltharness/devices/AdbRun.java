package org.meltharness.devices;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.meltharness.HarnessException;
import org.meltharness.command.HarnessCommandLine;
import org.meltharness.device.DeviceRequest;
import org.meltharness.measure.AdbShell;
import org.meltharness.measure.AndroidBatteryMeter;
import org.meltharness.measure.MeasurementCsv;
import org.meltharness.measure.MonotonicClock;
import org.meltharness.measure.Probe;
import org.meltharness.measure.Sampler;
import org.meltharness.io.Hashing;

/**
 * {@code --device adb:SERIAL --runtime http --server llama-server}: the phone runs a native server
 * (pushed with its model, content-addressed under /data/local/tmp/melt-harness), started with
 * {@code adb shell} and reached through {@code adb forward}; the command runs here through the HTTP
 * runtime while the phone's battery and thermal zones are sampled through {@code adb shell}.
 */
final class AdbRun {
    private static final String DIR = "/data/local/tmp/melt-harness";

    private final DeviceProfile profile;
    private final DeviceRequest request;
    private final PrintWriter err;
    private final Args args;
    private final Adb adb;

    AdbRun(DeviceProfile profile, DeviceRequest request) {
        this.profile = profile;
        this.request = request;
        this.err = request.err();
        this.args = new Args(request.args());
        this.adb = Adb.fromEnvironment();
    }

    int run() {
        String serial = serial();
        String server = request.server() != null ? request.server() : profile.server();
        if (!args.value("--runtime").orElse("").equals("http") || server == null) {
            throw HarnessException.usage("an adb device runs a native server: give --runtime http --server /path/to/llama-server "
                    + "(built for the phone, e.g. Android arm64)");
        }
        Path serverFile = Path.of(server);
        if (!Files.isRegularFile(serverFile)) throw HarnessException.usage("no server binary at " + server + " (--server)");
        Path model = Path.of(args.value("--model").orElseThrow(() -> HarnessException.usage("--model is required")));
        if (!Files.isRegularFile(model)) throw HarnessException.usage("--model must be a model file here (a .gguf) to push to the phone: " + model);
        double asked = request.number("port", profile.port() == null ? 8080 : profile.port());
        if (asked != Math.rint(asked) || asked < 1 || asked > 65535) {
            throw HarnessException.usage("--device-option port must be a TCP port (1-65535), not " + request.options().get("port"));
        }
        int port = (int) asked;

        String remoteServer = push(serial, serverFile, "");
        String remoteModel = push(serial, model, ".gguf");
        List<String> serverArgs = new ArrayList<>(List.of("-m", remoteModel, "--host", "127.0.0.1", "--port", String.valueOf(port)));
        serverArgs.addAll(profile.serverArgs());
        PhoneServer started = PhoneServer.start(adb, serial, DIR, remoteServer, serverArgs, serverFile.getFileName().toString());
        try {
            adb.run(List.of("-s", serial, "forward", "tcp:" + port, "tcp:" + port), "forward port " + port);
            waitForHealth(port, started);
            // Healthy, but whose? Another run's server on the same port answers too, while ours exited.
            if (!started.running()) {
                throw HarnessException.usage("the server on the phone exited (is port " + port + " taken by another run? "
                        + "--device-option port=N picks another); see " + started.logFile() + " there");
            }
            return evaluate(serial, port, model);
        } finally {
            try {
                started.stop();
                adb.run(List.of("-s", serial, "forward", "--remove", "tcp:" + port), "remove the port forward");
            } catch (HarnessException e) {
                err.println("harness: " + e.getMessage());
            }
        }
    }

    /** The device to use, after checking adb runs and the device is attached and authorised: each failure one line. */
    private String serial() {
        String wanted = profile.address().startsWith("adb:") ? profile.address().substring(4) : null;
        String text = adb.run(List.of("devices"), "list devices");
        List<String[]> devices = new ArrayList<>();
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("List of devices") || l.startsWith("*")) continue;
            String[] parts = l.split("\\s+");
            if (parts.length >= 2) devices.add(parts);
        }
        if (devices.isEmpty()) {
            throw HarnessException.usage("no Android device attached (adb devices lists none): connect one with USB debugging on");
        }
        String[] d = null;
        if (wanted == null || wanted.isEmpty()) {
            if (devices.size() > 1) {
                throw HarnessException.usage("several Android devices attached (" + String.join(", ", devices.stream().map(x -> x[0]).toList())
                        + "): name one with --device adb:SERIAL");
            }
            d = devices.getFirst();
        } else {
            for (String[] x : devices) if (x[0].equals(wanted)) d = x;
            if (d == null) {
                throw HarnessException.usage("Android device " + wanted + " is not attached (adb devices lists "
                        + String.join(", ", devices.stream().map(x -> x[0] + " (" + x[1] + ")").toList()) + ")");
            }
        }
        switch (d[1]) {
            case "device" -> { }
            case "unauthorized" -> throw HarnessException.usage("Android device " + d[0]
                    + " is unauthorized: unlock it and accept the 'Allow USB debugging' prompt, then try again");
            case "offline" -> throw HarnessException.usage("Android device " + d[0] + " is offline: reconnect it (or adb kill-server)");
            default -> throw HarnessException.usage("Android device " + d[0] + " is " + d[1] + ", not ready");
        }
        return d[0];
    }

    /** Pushes a file once: its name on the phone is its sha256. */
    private String push(String serial, Path file, String suffix) {
        String sha = Hashing.sha256(file);
        String remote = DIR + "/" + sha + suffix;
        String have = shell(serial, "mkdir -p " + DIR + " && ([ -f " + remote + " ] && echo present || echo missing)", "look for " + file.getFileName());
        if (!have.contains("present")) {
            err.println("harness: pushing " + file + " to " + serial);
            // A model is gigabytes: allow for 1 MiB/s (a slow USB 2 link) beyond the usual wait.
            Duration pushTimeout = Adb.TIMEOUT.plusSeconds(file.toFile().length() >> 20);
            adb.run(List.of("-s", serial, "push", file.toString(), remote + ".part"), "push " + file.getFileName(), pushTimeout);
            shell(serial, "mv " + remote + ".part " + remote, "store " + file.getFileName());
        }
        return remote;
    }

    private void waitForHealth(int port, PhoneServer server) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                var r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) return;
                last = "HTTP " + r.statusCode();
            } catch (IOException e) {
                last = SshConnection.rootMessage(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HarnessException(HarnessException.INTERRUPTED, "interrupted while the server starts");
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HarnessException(HarnessException.INTERRUPTED, "interrupted while the server starts");
            }
        }
        throw HarnessException.usage("the server on the phone did not become healthy within 2 minutes (" + last + "; see "
                + server.logFile() + " there)");
    }

    /** The command itself, here, through the HTTP runtime, with the phone's battery and thermal zones sampled alongside. */
    private int evaluate(String serial, int port, Path model) {
        List<String> local = new ArrayList<>(List.of(request.command()));
        for (DeviceRequest.Arg a : request.args()) {
            if (a.name().equals("--model") || a.name().equals("--endpoint")) continue;
            local.add(a.name());
            local.addAll(a.values());
        }
        local.addAll(List.of("--model", model.getFileName().toString(), "--endpoint", "http://127.0.0.1:" + port + "/v1"));
        if (request.command().equals("bench") && !args.has("--meter")) {
            // The phone's battery is bench's power meter: energy per phase and per token come from it.
            local.addAll(List.of("--meter", "android", "--adb-serial", serial));
        }
        AdbShell shell = AdbShell.adb(List.of(adb.executable()), serial, Duration.ofSeconds(10));
        List<Probe> probes = new ArrayList<>();
        probes.add(AndroidBatteryMeter.open(shell));
        Path mirror = null;
        try {
            mirror = Files.createTempDirectory("harness-phone-sys");
            RemoteSysfs sys = RemoteSysfs.discover(c -> {
                try {
                    return shell.run(c).stdout();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted");
                }
            }, mirror, Duration.ofSeconds(1));
            probes.addAll(sys.probes(profile.thermalZones()));
        } catch (IOException e) {
            err.println("harness: the phone's thermal zones are unavailable: " + e.getMessage());
        }
        StringWriter captured = new StringWriter();
        PrintWriter tee = new PrintWriter(new java.io.Writer() {
            @Override
            public void write(char[] c, int off, int len) {
                request.out().write(c, off, len);
                captured.write(c, off, len);
            }

            @Override
            public void flush() {
                request.out().flush();
            }

            @Override
            public void close() {}
        }, true);
        int code;
        Sampler sampler = Sampler.start(MonotonicClock.system(), Duration.ofSeconds(1), probes);
        try (sampler) {
            code = HarnessCommandLine.find().execute(tee, err, local.toArray(String[]::new));
        } finally {
            if (mirror != null) SshRun.deleteTree(mirror);
        }
        String dir = captured.toString().lines().filter(l -> l.startsWith("results: ")).reduce((a, b) -> b)
                .map(l -> l.substring("results: ".length()).replaceAll(" \\(.*\\)$", "")).orElse(null);
        if (dir != null && Files.isDirectory(Path.of(dir))) {
            try {
                MeasurementCsv.writeSamples(Path.of(dir).resolve("device-timeseries.csv"), sampler.recording());
            } catch (IOException e) {
                err.println("harness: cannot write the phone's telemetry: " + e.getMessage());
            }
        }
        return code;
    }

    private String shell(String serial, String command, String what) {
        return adb.shell(serial, command, what);
    }
}
