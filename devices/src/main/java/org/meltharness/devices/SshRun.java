package org.meltharness.devices;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.meltharness.HarnessException;
import org.meltharness.data.DataFile;
import org.meltharness.data.DataOptions;
import org.meltharness.data.DataStore;
import org.meltharness.data.DatasetCatalog;
import org.meltharness.data.Downloader;
import org.meltharness.device.DeviceRequest;
import org.meltharness.eval.TaskJob;
import org.meltharness.eval.TaskPreparer;
import org.meltharness.measure.MeasurementCsv;
import org.meltharness.measure.MonotonicClock;
import org.meltharness.measure.Recording;
import org.meltharness.measure.Sampler;
import org.meltharness.model.ModelPlan;
import org.meltharness.io.AtomicFiles;
import org.meltharness.io.Json;
import org.meltharness.results.RunLock;
import org.meltharness.results.RunStore;
import org.meltharness.task.TaskCatalog;

/**
 * {@code eval}/{@code bench --device ssh://...}: copies the harness, the model and the data to the
 * device (content-addressed, once), starts the same command there detached from the connection,
 * and mirrors its run folder into a local one as it grows, samples included, line by line. When the
 * connection drops it reconnects and goes on from the bytes it has; when the run on the device
 * stopped (killed, rebooted) an eval is started again with the same run id, which resumes it.
 */
final class SshRun {
    private static final Duration SHORT = Duration.ofSeconds(60);
    private static final int MAX_LAUNCHES = 5;
    /** How long reconnecting may take in all before the run is given up (a device rebooting takes minutes). */
    private static final Duration RECONNECT_FOR = Duration.ofMinutes(10);
    /** Jars this side needs but the device's JVM does not (SSH, Bouncy Castle, test frameworks). */
    private static final List<String> LOCAL_ONLY = List.of("sshd-", "bcprov-", "devices-", "junit-", "opentest4j-", "apiguardian-",
            "surefire", "jcl-over-slf4j-", "common-java5-", "common-java", "common-junit");

    private final DeviceProfile profile;
    private final DeviceRequest request;
    private final PrintWriter out;
    private final PrintWriter err;
    private final Args args;
    private final Map<String, Long> logOffsets = new HashMap<>();
    private final Map<String, Long> fetchedSizes = new HashMap<>();
    /** Names the device gave that are not files of its run folder, each warned about once (the first few). */
    private final java.util.Set<String> refused = new java.util.HashSet<>();
    private static final int MAX_REFUSED_SHOWN = 20;
    /** The most fetched in one command: a device's answer is held in memory, and a file grows by any amount between polls. */
    private static final long CHUNK = 32L << 20;
    /** What the device's sensors gave, for the manifest; set when the run has finished. */
    private Map<String, Object> telemetry;

    SshRun(DeviceProfile profile, DeviceRequest request) {
        this.profile = profile;
        this.request = request;
        this.out = request.out();
        this.err = request.err();
        this.args = new Args(request.args());
    }

    int run() {
        for (String o : List.of("--fidelity-against", "--verify-against")) {
            if (args.has(o)) throw HarnessException.usage(o + " names a run on this machine; it cannot be used with --device");
        }
        Path output = Path.of(args.value("--output").orElse("results"));
        String resume = args.value("--resume").orElse(null);
        if (resume != null && request.command().equals("bench")) throw HarnessException.usage("bench runs cannot be resumed");
        var target = SshConnection.Target.parse(profile.address());
        Path identity = request.identity() != null ? request.identity()
                : profile.identity() != null ? DeviceProfiles.expand(profile.identity()) : null;
        Path knownHosts = request.knownHosts() != null ? request.knownHosts()
                : profile.knownHosts() != null ? DeviceProfiles.expand(profile.knownHosts()) : null;
        boolean insecure = request.insecureHostKey() || "true".equals(request.options().get("insecure_skip_host_key_check"));
        try (SshConnection ssh = SshConnection.create(target, identity, knownHosts, insecure, err)) {
            if (resume != null) {
                // device.json is written before the device's manifest arrives, so a run cut off early is found by it too.
                Path localDir = Files.isRegularFile(output.resolve(resume).resolve(DeviceState.FILE)) ? output.resolve(resume)
                        : RunStore.locate(output, resume).dir();
                // One follower per local run folder, as one eval per run: a second would append every sample twice.
                try (RunLock lock = RunLock.acquire(localDir, resume, msg -> err.println("harness: " + msg))) {
                    DeviceState state = DeviceState.read(localDir);
                    if (!state.address().equals(profile.address())) {
                        throw HarnessException.usage("run " + state.runId() + " was made on " + state.address() + ", not on "
                                + profile.address());
                    }
                    err.println("harness: reattaching to run " + state.runId() + " on " + state.address());
                    return follow(ssh, state, localDir, true);
                }
            }
            DeviceState state = prepare(ssh, target, output);
            Path localDir = output.resolve(state.runId());
            try (RunLock lock = RunLock.acquire(localDir, state.runId(), msg -> err.println("harness: " + msg))) {
                return follow(ssh, state, localDir, false);
            }
        } catch (IOException e) {
            throw HarnessException.device(target.display() + ": " + e.getMessage(), e);
        }
    }

    /** Copies what the run needs, creates the local run folder and starts the command on the device. */
    private DeviceState prepare(SshConnection ssh, SshConnection.Target target, Path output) throws IOException {
        String remoteDir = request.options().getOrDefault("remote_dir", profile.remoteDir());
        String jdk = request.options().getOrDefault("java", profile.jdk());
        RemoteStore store = RemoteStore.open(ssh, remoteDir, err);
        String[] java = store.java(jdk);
        List<String> remoteArgs = remoteArgs(store);
        String classpath = String.join(":", classpath(store));
        String label = label();
        RunStore local = args.value("--run-id").map(id -> RunStore.createNamed(output, id)).orElseGet(() -> RunStore.create(output, label));
        String runDir = store.root() + "/runs/" + local.runId();
        List<String> command = new ArrayList<>(List.of(java[0], "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-Dai.djl.offline=true", "-Djava.awt.headless=true", "-Xss4m",
                "-Dharness.git.commit=" + System.getProperty("harness.git.commit", "unknown")));
        command.addAll(profile.jvmArgs());
        String extra = request.options().get("jvm_args");
        if (extra != null) command.addAll(List.of(extra.trim().split("\\s+")));
        command.addAll(List.of("-cp", classpath, "org.meltharness.cli.Main", request.command()));
        command.addAll(remoteArgs);
        command.addAll(List.of("--output", runDir + "/out", "--run-id", local.runId(), "--cache-dir", store.root() + "/cache"));
        DeviceState state = new DeviceState(profile.label(), profile.address(), request.command(), local.runId(), store.root(), runDir,
                java[1], command, 0, 0);
        state.write(local.dir());
        err.println("harness: " + request.command() + " on " + target.display() + " (" + java[1] + "), run " + local.runId() + " -> "
                + local.dir());
        coolDown(ssh);
        return state;
    }

    /** The command's options with local files replaced by their copies on the device. */
    private List<String> remoteArgs(RemoteStore store) throws IOException {
        List<String> out = new ArrayList<>();
        for (DeviceRequest.Arg a : request.args()) {
            switch (a.name()) {
                case "--output", "--run-id", "--cache-dir", "--data-dir", "--resume" -> { }
                case "--model" -> {
                    out.add(a.name());
                    Path p = Path.of(a.values().getFirst());
                    if (Files.exists(p)) {
                        // Under its own folder and parent's names, so that labels and manifests on the device read as here.
                        Path abs = p.toAbsolutePath().normalize();
                        String at = (abs.getParent() != null && abs.getParent().getFileName() != null
                                ? abs.getParent().getFileName() + "/" : "") + abs.getFileName();
                        String base = Files.isRegularFile(p) ? at.substring(0, Math.max(0, at.lastIndexOf('/'))) : at;
                        List<RemoteStore.Item> files = filesOf(p).stream()
                                .map(i -> new RemoteStore.Item(base.isEmpty() ? i.name() : base + "/" + i.name(), i.file())).toList();
                        out.add(store.tree("model", files) + "/" + at);
                    } else {
                        out.add(a.values().getFirst()); // an alias or hub id: the device resolves (and downloads) it
                    }
                }
                case "--tasks-dir" -> {
                    out.add(a.name());
                    out.add(store.tree("tasks", filesOf(Path.of(a.values().getFirst()))));
                }
                case "--prompts", "--monsoon-trace" -> {
                    out.add(a.name());
                    Path p = Path.of(a.values().getFirst());
                    out.add(Files.isRegularFile(p)
                            ? store.tree("file", List.of(new RemoteStore.Item(p.getFileName().toString(), p))) + "/" + p.getFileName()
                            : a.values().getFirst());
                }
                default -> {
                    out.add(a.name());
                    out.addAll(a.values());
                }
            }
        }
        if (request.command().equals("eval")) {
            List<RemoteStore.Item> data = dataFiles();
            if (!data.isEmpty()) out.addAll(List.of("--data-dir", store.tree("data", data)));
        }
        if (request.command().equals("bench")) {
            if (!args.has("--meter") && !profile.meters().isEmpty()) out.addAll(List.of("--meter", String.join(",", profile.meters())));
            if (!args.has("--cooldown-to") && profile.cooldownTo() != null) out.addAll(List.of("--cooldown-to", profile.cooldownTo().toString()));
        }
        return out;
    }

    /** A model folder's files (or the one file), by name. */
    private static List<RemoteStore.Item> filesOf(Path p) throws IOException {
        if (Files.isRegularFile(p)) return List.of(new RemoteStore.Item(p.getFileName().toString(), p));
        try (Stream<Path> s = Files.walk(p)) {
            return s.filter(Files::isRegularFile).filter(f -> !p.relativize(f).toString().startsWith("."))
                    .sorted().map(f -> new RemoteStore.Item(p.relativize(f).toString(), f)).toList();
        }
    }

    /**
     * The data files the tasks read, found as a local eval would find them (so a missing or corrupt
     * file fails here, in one line, before the device is touched), laid out as in a data folder.
     */
    private List<RemoteStore.Item> dataFiles() {
        List<Path> tasksDirs = args.values("--tasks-dir", false).stream().map(Path::of).toList();
        TaskCatalog catalog = TaskCatalog.load(tasksDirs);
        List<String> tasks = args.values("--task", true);
        if (tasks.isEmpty()) throw HarnessException.usage("--task is required");
        int limit = args.value("--limit").map(Integer::parseInt).orElse(Integer.MAX_VALUE);
        Integer fewshot = args.value("--num-fewshot").map(Integer::valueOf).orElse(null);
        long seed = args.value("--seed").map(Long::parseLong).orElse(1234L);
        DataOptions options = DataOptions.fromEnvironment(args.value("--data-dir").map(Path::of).orElse(null), localCache(),
                args.has("--offline"));
        DataStore data = new DataStore(DatasetCatalog.load(), options, new Downloader(), msg -> err.println("harness: " + msg));
        TaskPreparer preparer = new TaskPreparer(data, msg -> err.println("harness: " + msg));
        Map<String, RemoteStore.Item> files = new LinkedHashMap<>();
        for (TaskCatalog.LoadedTask t : catalog.resolve(tasks)) {
            TaskJob job = preparer.prepare(t, limit, fewshot, seed);
            for (var split : Stream.of(job.data(), job.pool()).filter(java.util.Objects::nonNull).toList()) {
                for (DataFile f : split.provenance().files()) files.putIfAbsent(f.path(), new RemoteStore.Item(f.path(), Path.of(f.resolvedPath())));
            }
        }
        return files.values().stream().sorted(java.util.Comparator.comparing(RemoteStore.Item::name)).toList();
    }

    private Path localCache() {
        String c = args.value("--cache-dir").orElse(System.getenv("HARNESS_CACHE_DIR"));
        return c != null && !c.isBlank() ? Path.of(c) : Path.of(System.getProperty("user.home"), ".cache", "melt-harness");
    }

    /** The jars of this JVM's class path that the device needs, in order; folders (a build's classes) are packed into jars. */
    private List<String> classpath(RemoteStore store) throws IOException {
        List<RemoteStore.Item> jars = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        int k = 0;
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (entry.isBlank() || !seen.add(Path.of(entry).toAbsolutePath().normalize().toString())) continue;
            Path p = Path.of(entry);
            String name = p.getFileName().toString();
            if (LOCAL_ONLY.stream().anyMatch(name::startsWith) || p.toString().contains("/devices/target/")) continue;
            // libtorch (110 MB, x86-64 only) travels only when the DJL runtime is asked for.
            if (name.startsWith("pytorch-native-") && !args.value("--runtime").orElse("").equals("djl")) continue;
            if (Files.isDirectory(p)) {
                if (name.equals("test-classes")) continue;
                jars.add(new RemoteStore.Item(String.format("%03d-%s.jar", k++, p.getParent().getParent().getFileName()), Jars.pack(p)));
            } else if (Files.isRegularFile(p) && name.endsWith(".jar")) {
                jars.add(new RemoteStore.Item(String.format("%03d-%s", k++, name), p));
            }
        }
        String dir = store.tree("jars", jars);
        return jars.stream().map(j -> dir + "/" + j.name()).toList();
    }

    /** A readable part of the run id, as a local run has it: the model folder with its parent, and the quantisation. */
    private String label() {
        String model = args.value("--model").orElseThrow(() -> HarnessException.usage("--model is required"));
        String quant = args.value("--quant").orElse(null);
        try {
            ModelPlan plan = ModelPlan.resolve(model, args.value("--runtime").orElse(null), quant, args.value("--weights").orElse(null),
                    args.value("--seed").map(Long::parseLong).orElse(1234L), localCache());
            quant = plan.quant();
        } catch (RuntimeException e) {
            // The runtime may exist only on the device; the label then goes without the resolved quantisation.
        }
        String r = model.replaceAll("/+$", "");
        Path p = Path.of(r);
        String name = Files.exists(p) && p.toAbsolutePath().normalize().getParent() != null
                ? p.toAbsolutePath().normalize().getParent().getFileName() + "-" + p.toAbsolutePath().normalize().getFileName()
                : r.substring(r.lastIndexOf('/') + 1);
        return name + (quant == null ? "" : "-" + quant) + (request.command().equals("bench") ? "-bench" : "");
    }

    /** Waits until the device's counted thermal zones are below the profile's cool-down threshold (10 minutes at most). */
    private void coolDown(SshConnection ssh) throws IOException {
        // Boxed on both sides: a numeric conditional would unbox a missing profile value and throw.
        Double to = request.options().containsKey("cooldown_to") ? Double.valueOf(request.number("cooldown_to", 0))
                : profile.cooldownTo();
        if (to == null || request.command().equals("bench")) return; // bench cools down before each repetition itself
        Path mirror = Files.createTempDirectory("harness-device-sys");
        try {
            RemoteSysfs sys = RemoteSysfs.discover(c -> ssh.check("read sensors", c, SHORT).out(), mirror, Duration.ofSeconds(1));
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            Double hot = sys.hottest(profile.thermalZones());
            if (hot == null) {
                err.println("harness: cool-down: no thermal zone reads on the device; starting at once");
                return;
            }
            while (hot != null && hot > to && System.nanoTime() < deadline) {
                err.printf(java.util.Locale.ROOT, "harness: cool-down: %.1f °C > %.1f °C, waiting%n", hot, to);
                Thread.sleep(5000);
                hot = sys.hottest(profile.thermalZones());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HarnessException(HarnessException.INTERRUPTED, "interrupted while cooling down");
        } finally {
            deleteTree(mirror);
        }
    }

    /** Starts (or starts again) the command on the device, detached, its outputs and exit code in its run folder. */
    private DeviceState launch(SshConnection ssh, DeviceState state) throws IOException {
        String dir = Shell.quote(state.remoteRunDir());
        String results = Shell.quote(state.remoteResults());
        // A run killed before its manifest was written left a folder that eval would refuse to reuse.
        String alive = "{ { [ -f pid ] && kill -0 \"$(cat pid)\"; } || { [ -f child ] && kill -0 \"$(cat child)\"; }; } 2>/dev/null";
        // One statement per line: an '&' would otherwise send the whole preceding and-list (cd included) to the background.
        String script = String.join("\n",
                "mkdir -p " + dir + "/out && cd " + dir + " || exit 1",
                // Idempotent: when a start whose answer was lost did start the run, it is not started twice.
                "if [ ! -f exit ] && " + alive + "; then echo started; exit 0; fi",
                "rm -f exit pid child",
                "if [ -d " + results + " ] && [ ! -f " + results + "/manifest.json ]; then rm -rf " + results + "; fi",
                "if command -v setsid >/dev/null 2>&1; then s=setsid; else s=; fi",
                "nohup $s sh -c 'echo $$ > pid; \"$@\" >> stdout.log 2>> stderr.log & c=$!; echo $c > child; wait $c; "
                        + "echo $? > exit.tmp; mv exit.tmp exit' sh " + Shell.join(state.remoteCommand()) + " < /dev/null > /dev/null 2>&1 &",
                // Back only once the wrapper has written its pid: a poll before that would see no run and start a twin.
                "i=0; while [ ! -s pid ] && [ $i -lt 300 ]; do sleep 0.1 2>/dev/null || sleep 1; i=$((i+1)); done",
                "[ -s pid ] && echo started");
        ssh.check("start the run", script, SHORT);
        return state.withLaunches(state.launches() + 1);
    }

    /** What the device says about the run: its state and the sizes of the files being mirrored. */
    private record Poll(String state, int exit, Map<String, Long> sizes) {}

    private Poll poll(SshConnection ssh, DeviceState state) throws IOException {
        String script = "cd " + Shell.quote(state.remoteRunDir()) + " 2>/dev/null || { echo none; exit 0; }; "
                + "if [ -f exit ]; then echo \"exit $(cat exit)\"; "
                // Running while either the wrapper or the JVM lives: a JVM left behind must not get a twin appending to its files.
                + "elif { [ -f pid ] && kill -0 \"$(cat pid)\"; } 2>/dev/null || { [ -f child ] && kill -0 \"$(cat child)\"; } 2>/dev/null; "
                + "then echo running; "
                + "elif [ -f pid ]; then echo gone; else echo none; fi; "
                + "for f in stdout.log stderr.log out/" + Shell.quote(state.runId()) + "/*; do [ -f \"$f\" ] && echo \"$(wc -c < \"$f\") $f\"; done; true";
        String text = ssh.check("ask for the run's state", script, SHORT).out();
        String[] lines = text.split("\n");
        String[] head = lines[0].strip().split(" ");
        Map<String, Long> sizes = new LinkedHashMap<>();
        String prefix = "out/" + state.runId() + "/";
        for (int i = 1; i < lines.length; i++) {
            String l = lines[i].strip();
            int sp = l.indexOf(' ');
            if (sp <= 0) continue;
            String name = l.substring(sp + 1);
            long size = parseOr(l.substring(0, sp), -1);
            // The answer becomes local file names: only the logs and plain files of the run's own folder pass.
            if (size >= 0 && mirrorable(name, prefix)) {
                sizes.put(name, size);
            } else if (refused.size() < MAX_REFUSED_SHOWN && refused.add(name)) {
                err.println("harness: warning: the device named " + LocalPaths.printable(name) + " (" + LocalPaths.printable(l.substring(0, sp))
                        + " bytes), which is not a file of its run folder; ignored");
            }
        }
        int code = head[0].equals("exit") && head.length > 1 ? (int) parseOr(head[1], -1) : -1;
        return new Poll(head[0], code, sizes);
    }

    /**
     * stdout.log, stderr.log, or a plain file name right under the run's folder, other than the
     * files this side writes there itself (device.json, the device's telemetry, its run lock).
     */
    static boolean mirrorable(String name, String prefix) {
        if (name.equals("stdout.log") || name.equals("stderr.log")) return true;
        if (!name.startsWith(prefix)) return false;
        String file = name.substring(prefix.length());
        return !file.contains("/") && LocalPaths.isPlainRelative(file) && !file.equals(DeviceState.FILE)
                && !file.startsWith("device-timeseries") && !file.equals(RunLock.FILE);
    }

    private static long parseOr(String number, long otherwise) {
        try {
            return Long.parseLong(number);
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    /** Mirrors the run until it ends on the device, reconnecting and starting it again as needed; returns its exit code. */
    private int follow(SshConnection ssh, DeviceState state0, Path localDir, boolean reattach) throws IOException {
        DeviceState state = state0;
        String prefix = "out/" + state.runId() + "/";
        Duration period = Duration.ofMillis(profile.telemetryPeriodMs() == null ? 1000 : profile.telemetryPeriodMs());
        Path mirror = Files.createTempDirectory("harness-device-sys");
        Sampler sampler = null;
        RemoteSysfs sys = null;
        Thread hook = null;
        long lostSince = -1;
        try {
            try {
                sys = RemoteSysfs.discover(c -> ssh.exec(c, SHORT).out(), mirror, period);
                sampler = Sampler.start(MonotonicClock.system(), period, sys.probes(profile.thermalZones()));
            } catch (IOException e) {
                err.println("harness: device telemetry unavailable: " + e.getMessage());
            }
            boolean first = true;
            int connects = ssh.connects();
            while (true) {
                Poll p;
                try {
                    if (state.launches() == 0 && !reattach) {
                        state = launch(ssh, state);
                        state.write(localDir);
                        hook = stopOnInterrupt(ssh, state, localDir);
                    }
                    p = poll(ssh, state);
                    if (first && reattach) {
                        // Output printed before the reattach was seen then; only what follows is shown.
                        for (String log : List.of("stdout.log", "stderr.log")) logOffsets.put(log, p.sizes().getOrDefault(log, 0L));
                        if (hook == null) hook = stopOnInterrupt(ssh, state, localDir);
                    }
                    first = false;
                    sync(ssh, state, p, localDir, prefix);
                    if (ssh.connects() > connects) {
                        // Either a command failed and this poll reconnected, or the session dropped between two commands.
                        state = state.withReconnects(state.reconnects() + ssh.connects() - connects);
                        state.write(localDir);
                        err.println("harness: " + (lostSince >= 0 ? "" : "the connection dropped; ") + "reconnected to "
                                + ssh.target().display() + " (the run went on there)");
                    }
                    lostSince = -1;
                    connects = ssh.connects();
                } catch (SshConnection.Lost e) {
                    if (lostSince < 0) {
                        lostSince = System.nanoTime();
                        err.println("harness: " + e.getMessage() + "; reconnecting (the run goes on on the device)");
                    } else if (System.nanoTime() - lostSince > RECONNECT_FOR.toNanos()) {
                        throw HarnessException.device("lost " + ssh.target().display() + " for " + RECONNECT_FOR.toMinutes()
                                + " minutes; the run may still be going on there: follow it with ./harness " + state.command() + " --resume "
                                + state.runId() + " --device " + state.device() + " --output " + localDir.getParent());
                    }
                    sleep(2000);
                    continue;
                }
                switch (p.state()) {
                    case "exit" -> {
                        if (p.exit() == 0) {
                            Sampler done = sampler;
                            sampler = null; // finish writes its telemetry; the finally below must not write it twice
                            finish(ssh, state, localDir, prefix, done);
                            return 0;
                        }
                        state = restartOrFail(ssh, state, localDir, p.exit());
                    }
                    case "gone" -> state = restartOrFail(ssh, state, localDir, -1);
                    case "none" -> {
                        if (state.launches() > 0 || reattach) state = restartOrFail(ssh, state, localDir, -1);
                    }
                    default -> { }
                }
                sleep(500);
            }
        } finally {
            if (hook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // Shutting down already: the hook stops the run on the device.
                }
            }
            if (sampler != null) {
                // The run failed or was cut off here: what the sensors gave so far is kept all the same.
                try {
                    writeTelemetry(sampler, localDir);
                } catch (IOException | RuntimeException e) {
                    err.println("harness: cannot write the device's telemetry: " + e.getMessage());
                }
            }
            deleteTree(mirror);
        }
    }

    /** An eval that stopped by a signal or vanished is started again (it resumes); anything else is the run's own failure. */
    private DeviceState restartOrFail(SshConnection ssh, DeviceState state, Path localDir, int exit) throws IOException {
        String why = exit < 0 ? "stopped without an exit code (device rebooted?)" : "exited with " + exit;
        boolean signal = exit < 0 || exit > 128;
        if (!signal) {
            String last = lastHarnessLine(ssh, state);
            throw new HarnessException(exit, last != null ? last + " (on " + ssh.target().display() + ")"
                    : "the run on " + ssh.target().display() + " " + why + " (see " + state.remoteRunDir() + "/stderr.log there)");
        }
        if (!state.command().equals("eval")) {
            throw HarnessException.device("the bench run on " + ssh.target().display() + " " + why + "; bench runs cannot be resumed: start a new one");
        }
        if (state.launches() >= MAX_LAUNCHES) {
            throw HarnessException.device("the run on " + ssh.target().display() + " " + why + " again after " + state.launches()
                    + " starts; giving up (see " + state.remoteRunDir() + "/stderr.log there)");
        }
        err.println("harness: the run on " + ssh.target().display() + " " + why + "; resuming it");
        DeviceState next = launch(ssh, state);
        next.write(localDir);
        return next;
    }

    private String lastHarnessLine(SshConnection ssh, DeviceState state) {
        try {
            String text = ssh.exec("tail -n 20 " + Shell.quote(state.remoteRunDir() + "/stderr.log"), SHORT).out();
            String last = null;
            for (String l : text.split("\n")) if (l.startsWith("harness: ")) last = l.substring("harness: ".length());
            return last == null ? null : LocalPaths.printable(last);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Brings the local folder up to the device's: the complete new lines of every JSON-lines file
     * (appended, so each sample arrives exactly once, whatever was cut off by a drop), the manifest
     * when it changed, and the new lines of the run's outputs, shown here. Returns whether more is
     * to fetch than one round took (a chunk at most per file).
     */
    private boolean sync(SshConnection ssh, DeviceState state, Poll p, Path localDir, String prefix) throws IOException {
        boolean more = false;
        for (var e : p.sizes().entrySet()) {
            String path = e.getKey();
            long size = e.getValue();
            if (path.equals("stdout.log") || path.equals("stderr.log")) {
                long at = logOffsets.getOrDefault(path, 0L);
                if (size > at) {
                    byte[] bytes = range(ssh, state.remoteRunDir() + "/" + path, at, Math.min(size - at, CHUNK));
                    int end = lastNewline(bytes);
                    if (end == 0 && bytes.length == CHUNK) end = bytes.length; // a "line" that long is shown in pieces
                    more |= end > 0 && size - at > CHUNK;
                    if (end > 0) {
                        logOffsets.put(path, at + end);
                        PrintWriter w = path.equals("stdout.log") ? out : err;
                        for (String line : new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n")) {
                            // The device's JVM announces the incubator module (the launcher drops that line too); the
                            // results line is printed once the local folder is complete.
                            if (line.startsWith("WARNING: Using incubator modules") || line.startsWith("results: ")) continue;
                            w.println(LocalPaths.printable(line.replace(state.remoteResults(), localDir.toString())));
                        }
                        w.flush();
                    }
                }
            } else if (path.startsWith(prefix) && path.endsWith(".jsonl")) {
                Path local = LocalPaths.inside(localDir, path.substring(prefix.length()));
                if (local == null) continue; // not a name poll lets through; checked again where it is written
                long have = Files.exists(local) ? Files.size(local) : 0;
                if (size > have) {
                    // At most a chunk per poll: a large backlog (a reattach after hours) arrives over several polls.
                    byte[] bytes = range(ssh, state.remoteRunDir() + "/" + path, have, Math.min(size - have, CHUNK));
                    int end = lastNewline(bytes);
                    if (end == 0 && bytes.length == CHUNK) {
                        throw HarnessException.badData("the device's " + LocalPaths.printable(path) + " has a line over " + (CHUNK >> 20)
                                + " MiB at byte " + have + "; not a log this harness writes");
                    }
                    more |= end > 0 && size - have > CHUNK;
                    if (end > 0) {
                        try (OutputStream o = Files.newOutputStream(local, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                            o.write(bytes, 0, end);
                        }
                    }
                }
            } else if (path.equals(prefix + "manifest.json") && !Long.valueOf(size).equals(fetchedSizes.get(path))) {
                fetchedSizes.put(path, size);
                writeManifest(ssh, state, localDir);
            }
        }
        return more;
    }

    /** The run's other files (summary, results.json, bench tables, plots), the final manifest, and the telemetry. */
    private void finish(SshConnection ssh, DeviceState state, Path localDir, String prefix, Sampler sampler) throws IOException {
        Poll last = poll(ssh, state);
        while (sync(ssh, state, last, localDir, prefix)) {
            // a backlog over a chunk: another round
        }
        for (var e : last.sizes().entrySet()) {
            String path = e.getKey();
            if (!path.startsWith(prefix) || path.endsWith(".jsonl") || path.equals(prefix + "manifest.json")) continue;
            Path local = LocalPaths.inside(localDir, path.substring(prefix.length()));
            if (local == null) continue;
            String remote = state.remoteRunDir() + "/" + path;
            long total = e.getValue();
            AtomicFiles.writeStreaming(local, o -> {
                for (long at = 0; at < total; at += CHUNK) o.write(range(ssh, remote, at, Math.min(CHUNK, total - at)));
            });
        }
        for (var e : last.sizes().entrySet()) {
            String path = e.getKey();
            if (!path.startsWith(prefix) || !path.endsWith(".jsonl")) continue;
            Path local = LocalPaths.inside(localDir, path.substring(prefix.length()));
            if (local == null) continue;
            if (!Files.exists(local) || Files.size(local) != e.getValue()) {
                throw HarnessException.badData("the copy of " + path + " differs from the device's (" + (Files.exists(local) ? Files.size(local) : 0)
                        + " bytes here, " + e.getValue() + " there)");
            }
        }
        if (sampler != null) telemetry = writeTelemetry(sampler, localDir);
        writeManifest(ssh, state, localDir);
        state.write(localDir);
        out.println("results: " + localDir);
    }

    /**
     * Stops the sampler and writes what it read, in the layout of bench's timeseries.csv; a run
     * followed again after a reattach gets a second file rather than overwriting the first.
     */
    private static Map<String, Object> writeTelemetry(Sampler sampler, Path localDir) throws IOException {
        sampler.close();
        Recording rec = sampler.recording();
        String name = "device-timeseries.csv";
        for (int k = 2; Files.exists(localDir.resolve(name)); k++) name = "device-timeseries-" + k + ".csv";
        MeasurementCsv.writeSamples(localDir.resolve(name), rec);
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("file", name);
        t.put("samples", rec.samples().size());
        t.put("unavailable", rec.unavailable());
        t.put("notes", rec.notes().stream().map(n -> n.source() + ": " + n.message()).toList());
        return t;
    }

    /** The device's manifest with a {@code device} entry: which device, how it was reached, how often it was resumed. */
    private void writeManifest(SshConnection ssh, DeviceState state, Path localDir) throws IOException {
        byte[] bytes = range(ssh, state.remoteResults() + "/manifest.json", 0, -1);
        ObjectMapper json = Json.mapper();
        ObjectNode m;
        try {
            m = (ObjectNode) json.readTree(bytes);
        } catch (IOException | ClassCastException e) {
            return; // being rewritten on the device this instant: the next poll takes it
        }
        Map<String, Object> device = new LinkedHashMap<>();
        device.put("name", state.device());
        device.put("address", state.address());
        device.put("kind", "ssh");
        device.put("java", state.java());
        device.put("remote_run_dir", state.remoteRunDir());
        device.put("launches", state.launches());
        device.put("reconnects", state.reconnects());
        if (telemetry != null) device.put("telemetry", telemetry);
        m.set("device", json.valueToTree(device));
        AtomicFiles.write(localDir.resolve("manifest.json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(m) + "\n");
    }

    /** {@code length} bytes of a remote file from {@code offset} (all of it when length is negative). */
    private static byte[] range(SshConnection ssh, String file, long offset, long length) throws IOException {
        String cmd = "tail -c +" + (offset + 1) + " " + Shell.quote(file) + (length >= 0 ? " | head -c " + length : "");
        var r = ssh.exec(cmd, SHORT.plusSeconds(Math.max(0, length) / (256 * 1024)));
        if (r.exit() != 0) throw new SshConnection.Lost("cannot read " + file + ": " + r.why(), null);
        return r.stdout();
    }

    private static int lastNewline(byte[] bytes) {
        for (int i = bytes.length - 1; i >= 0; i--) if (bytes[i] == '\n') return i + 1;
        return 0;
    }

    /** Ctrl-C here stops the run on the device too (it is marked interrupted there) and says how to go on. */
    private Thread stopOnInterrupt(SshConnection ssh, DeviceState state, Path localDir) {
        Thread t = new Thread(() -> {
            try {
                // The JVM itself: it marks its run interrupted, and the wrapper then records its exit code.
                ssh.exec("cd " + Shell.quote(state.remoteRunDir()) + " && [ ! -f exit ] && kill -TERM \"$(cat child)\" 2>/dev/null; true",
                        Duration.ofSeconds(5));
            } catch (IOException | RuntimeException e) {
                // The device is unreachable: the run goes on there and --resume finds it.
                err.println("harness: could not stop the run on the device: " + e.getMessage());
            }
            err.println();
            err.println("harness: interrupted; continue with: ./harness " + state.command() + " --resume " + state.runId() + " --device "
                    + state.device() + " --output " + localDir.getParent());
            err.flush();
        }, "harness-device-guard");
        Runtime.getRuntime().addShutdownHook(t);
        return t;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HarnessException(HarnessException.INTERRUPTED, "interrupted");
        }
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // A temporary folder left behind costs nothing.
        }
    }
}
