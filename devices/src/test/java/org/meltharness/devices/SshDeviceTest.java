package org.meltharness.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.cli.Cli;
import org.meltharness.eval.RunDiff;
import org.meltharness.io.Json;
import org.meltharness.results.JsonlLog;
import org.meltharness.results.RunStore;
import org.meltharness.results.SampleRecord;

/**
 * eval over SSH against a real OpenSSH server on loopback, on the real stories260K model: the
 * samples that come back are those of a local run, also when the connection is cut mid-run and the
 * run on the device is killed and resumed.
 */
class SshDeviceTest {
    private static final Path SHARED = Path.of(System.getProperty("harness.shared", "../shared"));
    private static final Path MODEL = SHARED.resolve("models/stories260K/hf-pad192");
    private static final Path DATA = SHARED.resolve("datasets");

    @TempDir
    static Path tmp;

    private static LoopbackSshd sshd;

    @BeforeAll
    static void startSshd() throws Exception {
        Path d = Files.createDirectories(tmp.resolve("sshd"));
        sshd = LoopbackSshd.start(d);
    }

    @AfterAll
    static void stopSshd() {
        if (sshd != null) sshd.close();
    }

    private record Outcome(int code, String out, String err) {}

    private static Outcome harness(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args.toArray(String[]::new));
        return new Outcome(code, out.toString(), err.toString());
    }

    private static List<String> evalArgs(Path output) {
        return new ArrayList<>(List.of("eval", "--model", MODEL.toString(), "--runtime", "jlama", "--task", "arc_easy", "--limit", "20",
                "--data-dir", DATA.toString(), "--batch-docs", "1", "--output", output.toString(),
                "--cache-dir", tmp.resolve("cache").toString()));
    }

    private static Path profile(String name) throws Exception {
        Path devices = Files.createDirectories(tmp.resolve("devices"));
        Path f = devices.resolve(name + ".yaml");
        Files.writeString(f, String.join("\n",
                "address: " + sshd.address(),
                "jdk: " + System.getProperty("java.home"),
                "remote_dir: " + tmp.resolve("device-home"),
                "identity: " + sshd.userKey,
                "known_hosts: " + sshd.knownHosts,
                "telemetry_period_ms: 500",
                ""));
        return f;
    }

    @Test
    void sshEvalMatchesLocalEvalAcrossADroppedConnectionAndAResume() throws Exception {
        Outcome local = harness(evalArgs(tmp.resolve("local")));
        assertEquals(0, local.code(), local.err());
        RunStore localRun = RunStore.locate(tmp.resolve("local"), onlyRun(tmp.resolve("local")).toString());

        // Cut in while the device's run is under way: freeze it after its second sample, drop every
        // connection, and once the harness has reconnected, kill the run, which it must then resume.
        Path runs = tmp.resolve("device-home/runs");
        // Other tests share the device's folder (and so its copies); their runs are not this one.
        Set<String> earlier = new HashSet<>();
        if (Files.isDirectory(runs)) try (Stream<Path> s = Files.list(runs)) {
            s.forEach(r -> earlier.add(r.getFileName().toString()));
        }
        AtomicInteger frozenAt = new AtomicInteger(-1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();
        Thread saboteur = Thread.ofPlatform().daemon().start(() -> {
            try {
                ProcessHandle java = null;
                int lines = 0;
                while (lines < 2) {
                    if (finished.get()) return; // the run ended (or failed) before it could be cut: the asserts below say so
                    Optional<Path> samples = find(runs, earlier, "samples-arc_easy.jsonl");
                    lines = samples.isPresent() ? countLines(samples.get()) : 0;
                    if (lines < 2) Thread.sleep(1);
                }
                java = remoteJava(runs, earlier);
                LoopbackSshd.run("kill", "-STOP", String.valueOf(java.pid()));
                frozenAt.set(countLines(find(runs, earlier, "samples-arc_easy.jsonl").orElseThrow()));
                Set<Long> before = new HashSet<>();
                for (ProcessHandle h : sshd.sessions()) before.add(h.pid());
                sshd.killSessions();
                // The harness has reconnected when a session appears that was not there before.
                while (sshd.sessions().stream().allMatch(h -> before.contains(h.pid())) && !finished.get()) Thread.sleep(20);
                java.destroyForcibly();
            } catch (Throwable t) {
                failure.set(t);
                // Never leave the device's JVM frozen: the harness would wait on it for ever.
                try {
                    remoteJava(runs, earlier).destroyForcibly();
                } catch (Exception ignored) {
                    // Not started, or gone already.
                }
            }
        });
        List<String> args = evalArgs(tmp.resolve("remote"));
        args.addAll(List.of("--device", profile("loopback").toString()));
        Outcome remote = harness(args);
        finished.set(true);
        saboteur.join();
        if (failure.get() != null) throw new AssertionError("could not interfere with the run", failure.get());
        assertEquals(0, remote.code(), remote.err());
        assertTrue(frozenAt.get() >= 2 && frozenAt.get() < 20, "the run was interrupted mid-way, at " + frozenAt.get() + " samples");
        assertTrue(remote.err().contains("reconnected to"), remote.err());
        assertTrue(remote.err().contains("resuming it"), remote.err());

        Path runDir = onlyRun(tmp.resolve("remote"));
        assertTrue(remote.out().contains("results: " + runDir), remote.out());
        List<SampleRecord> samples = JsonlLog.read(runDir.resolve("samples-arc_easy.jsonl"), SampleRecord.class);
        assertEquals(20, samples.size());
        assertEquals(20, samples.stream().map(SampleRecord::docId).distinct().count(), "every sample exactly once");
        RunStore remoteRun = RunStore.locate(tmp.resolve("remote"), runDir.toString());
        var diff = RunDiff.compare(localRun, remoteRun, 3).getFirst();
        assertEquals(20, diff.compared());
        assertTrue(diff.agrees(1e-9), diff.toString());

        JsonNode manifest = Json.mapper().readTree(Files.readString(runDir.resolve("manifest.json")));
        assertEquals("complete", manifest.get("status").asText());
        assertEquals(2, manifest.get("device").get("launches").asInt());
        assertTrue(manifest.get("device").get("reconnects").asInt() >= 1);
        assertTrue(Files.isRegularFile(runDir.resolve("summary.json")));
        assertTrue(Files.isRegularFile(runDir.resolve("device-timeseries.csv")));

        // A second run copies nothing: the jars, model and data are on the device already.
        List<String> again = evalArgs(tmp.resolve("remote2"));
        again.addAll(List.of("--device", "loopback", "--limit", "3"));
        again.remove(again.indexOf("--limit") + 1);
        again.remove(again.indexOf("--limit"));
        Outcome second = harness(withDevicesDir(again));
        assertEquals(0, second.code(), second.err());
        assertTrue(!second.err().contains("copying"), second.err());
    }

    /**
     * A device whose host key checks out but whose answers lie: a second sshd on loopback whose
     * {@code ForceCommand} runs every command as asked and then adds, to the run's poll and to the
     * sensor discovery, names that lead outside the local run folder and the sysfs mirror ({@code ../},
     * an absolute path), serving "pwned" for them. The run goes on, warns about each name once, and
     * no file outside its folders is written or deleted. (Same device folder as the other tests: its
     * jars are copied once.)
     */
    @Test
    void aLyingDeviceGetsNoFileWrittenOrDeletedOutsideTheRunFolderOrTheMirror() throws Exception {
        Path tmp = Files.createDirectories(SshDeviceTest.tmp.resolve("lying"));
        Path victimJsonl = Files.writeString(tmp.resolve("victim.jsonl"), "mine\n");
        Path victimTxt = Files.writeString(tmp.resolve("victim.txt"), "mine\n");
        Path victimSys = Files.writeString(tmp.resolve("victim-sys"), "mine\n");
        Path absolute = tmp.resolve("abs/victim-abs.jsonl");
        String sysName = "/sys/" + "../".repeat(30) + victimSys.toString().substring(1);
        Path liar = tmp.resolve("lying-device.sh");
        Files.writeString(liar, String.join("\n",
                "#!/bin/sh",
                "c=\"$SSH_ORIGINAL_COMMAND\"",
                "case \"$c\" in",
                // The poll: its real answer, then three files that are not in the run's folder.
                "  *'wc -c <'*) sh -c \"$c\"; run=$(printf '%s' \"$c\" | sed -n 's#.*out/\\([^ /*]*\\)/\\*.*#\\1#p');",
                "    printf '6 out/%s/../../victim.jsonl\\n6 out/%s/%s\\n6 out/%s/../../victim.txt\\n' \"$run\" \"$run\" '" + absolute
                        + "' \"$run\" ;;",
                "  *victim*) printf 'pwned\\n' ;;",
                // Sensor discovery: the real zones, and one "zone" that is a file of this machine.
                "  *'thermal_zone*'*) sh -c \"$c\"; printf '%s\\tpwned\\n' '" + sysName + "' ;;",
                "  *) exec sh -c \"$c\" ;;",
                "esac",
                ""));
        Files.setPosixFilePermissions(liar, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (LoopbackSshd liarSshd = LoopbackSshd.start(Files.createDirectories(tmp.resolve("sshd")), List.of("ForceCommand " + liar))) {
            Path profile = Files.writeString(tmp.resolve("liar.yaml"), String.join("\n",
                    "address: " + liarSshd.address(),
                    "jdk: " + System.getProperty("java.home"),
                    "remote_dir: " + SshDeviceTest.tmp.resolve("device-home"),
                    "identity: " + liarSshd.userKey,
                    "known_hosts: " + liarSshd.knownHosts,
                    "telemetry_period_ms: 200",
                    ""));
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Cli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute("eval", "--model",
                    MODEL.toString(), "--runtime", "jlama", "--task", "arc_easy", "--limit", "2",
                    "--data-dir", DATA.toString(), "--output", tmp.resolve("out").toString(),
                    "--cache-dir", tmp.resolve("cache").toString(), "--device", profile.toString());
            assertEquals(0, code, err.toString());
            Path run;
            try (Stream<Path> s = Files.list(tmp.resolve("out"))) {
                run = s.filter(Files::isDirectory).findFirst().orElseThrow();
            }
            String prefix = "out/" + run.getFileName() + "/";
            for (String name : List.of(prefix + "../../victim.jsonl", prefix + absolute, prefix + "../../victim.txt")) {
                String warning = "harness: warning: the device named " + name + " (6 bytes), which is not a file of its run folder; ignored";
                assertEquals(1, err.toString().lines().filter(warning::equals).count(), warning + " once in:\n" + err);
            }
            assertEquals("mine\n", Files.readString(victimJsonl));
            assertEquals("mine\n", Files.readString(victimTxt));
            assertEquals("mine\n", Files.readString(victimSys), "the sysfs mirror wrote (or deleted) outside itself");
            assertFalse(Files.exists(absolute));
            assertEquals(2, JsonlLog.read(run.resolve("samples-arc_easy.jsonl"), SampleRecord.class).size());
            assertTrue(Files.isRegularFile(run.resolve("device-timeseries.csv")), err.toString());
        }
    }

    /** Profiles are looked up in $HARNESS_DEVICES_DIR, ./devices, ...; the test names its profile by file instead where it must. */
    private static List<String> withDevicesDir(List<String> args) {
        List<String> out = new ArrayList<>(args);
        int i = out.indexOf("--device");
        out.set(i + 1, tmp.resolve("devices/loopback.yaml").toString());
        return out;
    }

    @Test
    void anUnknownHostKeyIsRefusedInOneLineUnlessTheUserOptsOut() throws Exception {
        Path empty = Files.writeString(tmp.resolve("empty_known_hosts"), "");
        List<String> args = evalArgs(tmp.resolve("refused"));
        args.addAll(List.of("--device", sshd.address(), "--identity", sshd.userKey.toString(), "--known-hosts", empty.toString()));
        Outcome o = harness(args);
        assertEquals(2, o.code());
        assertEquals(1, o.err().strip().lines().count(), o.err());
        assertTrue(o.err().contains("is not in " + empty), o.err());

        // The explicit opt-out connects anyway, and says what it gives up.
        List<String> insecure = evalArgs(tmp.resolve("insecure"));
        insecure.set(insecure.indexOf("20"), "2");
        insecure.addAll(List.of("--device", sshd.address(), "--identity", sshd.userKey.toString(), "--known-hosts", empty.toString(),
                "--insecure-skip-host-key-check", "--device-option", "java=" + System.getProperty("java.home"),
                "--device-option", "remote_dir=" + tmp.resolve("device-home-insecure")));
        Outcome ok = harness(insecure);
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.err().startsWith("harness: warning: not checking the SSH host key"), ok.err());
        assertEquals(2, JsonlLog.read(onlyRun(tmp.resolve("insecure")).resolve("samples-arc_easy.jsonl"), SampleRecord.class).size());
    }

    @Test
    void anAnswerLargerThanTheCapIsRefusedAndTheConnectionGoesOn() throws Exception {
        // The device decides how much it sends: 3 MB where at most 1 MB is taken is refused in one line, not buffered.
        StringWriter err = new StringWriter();
        try (SshConnection ssh = SshConnection.create(SshConnection.Target.parse(sshd.address()), sshd.userKey, sshd.knownHosts, false,
                new PrintWriter(err, true))) {
            var e = org.junit.jupiter.api.Assertions.assertThrows(org.meltharness.HarnessException.class,
                    () -> ssh.exec("head -c 3000000 /dev/zero", null, java.time.Duration.ofSeconds(30), 1_000_000));
            assertEquals(org.meltharness.HarnessException.BAD_DATA, e.exitCode());
            assertTrue(e.getMessage().endsWith(" answered more than 1000000 bytes to one command; refused"), e.getMessage());
            var ok = ssh.exec("head -c 999999 /dev/zero; echo", null, java.time.Duration.ofSeconds(30), 1_000_000);
            assertEquals(1_000_000, ok.stdout().length);
        }
    }

    private static Path onlyRun(Path root) throws Exception {
        try (Stream<Path> s = Files.list(root)) {
            List<Path> dirs = s.filter(Files::isDirectory).toList();
            assertEquals(1, dirs.size(), dirs.toString());
            return dirs.getFirst();
        }
    }

    /** A file of that name in a run folder under {@code runs} other than the {@code earlier} ones. */
    private static Optional<Path> find(Path runs, Set<String> earlier, String name) throws Exception {
        if (!Files.isDirectory(runs)) return Optional.empty();
        try (Stream<Path> s = Files.walk(runs)) {
            return s.filter(p -> p.getFileName().toString().equals(name))
                    .filter(p -> !earlier.contains(runs.relativize(p).getName(0).toString())).findFirst();
        }
    }

    private static int countLines(Path f) throws Exception {
        byte[] b = Files.readAllBytes(f);
        int n = 0;
        for (byte x : b) if (x == '\n') n++;
        return n;
    }

    /** The device's JVM, whose pid the run wrote. */
    private static ProcessHandle remoteJava(Path runs, Set<String> earlier) throws Exception {
        Path pid = find(runs, earlier, "child").orElseThrow();
        long jvm = Long.parseLong(Files.readString(pid).strip());
        return ProcessHandle.of(jvm).orElseThrow();
    }
}
