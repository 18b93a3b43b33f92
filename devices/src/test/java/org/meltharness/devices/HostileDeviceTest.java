package org.meltharness.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.cli.Cli;
import org.meltharness.results.JsonlLog;
import org.meltharness.results.SampleRecord;

/**
 * A device whose host key checks out but whose answers lie: a real OpenSSH server on loopback
 * whose {@code ForceCommand} runs every command as asked and then adds, to the run's poll and to
 * the sensor discovery, names that lead outside the local run folder and the sysfs mirror
 * ({@code ../}, an absolute path), serving "pwned" for them. The run goes on, warns about each
 * name once, and no file outside its folders is written or deleted.
 */
class HostileDeviceTest {
    private static final Path SHARED = Path.of(System.getProperty("harness.shared", "../shared"));

    @TempDir
    Path tmp;

    @Test
    void namesOutsideTheRunFolderAndTheMirrorAreIgnoredWithAWarning() throws Exception {
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
        try (LoopbackSshd sshd = LoopbackSshd.start(Files.createDirectories(tmp.resolve("sshd")), List.of("ForceCommand " + liar))) {
            Path profile = Files.writeString(tmp.resolve("liar.yaml"), String.join("\n",
                    "address: " + sshd.address(),
                    "jdk: " + System.getProperty("java.home"),
                    "remote_dir: " + tmp.resolve("device-home"),
                    "identity: " + sshd.userKey,
                    "known_hosts: " + sshd.knownHosts,
                    "telemetry_period_ms: 200",
                    ""));
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Cli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute("eval", "--model",
                    SHARED.resolve("models/stories260K/hf-pad192").toString(), "--runtime", "jlama", "--task", "arc_easy", "--limit", "2",
                    "--data-dir", SHARED.resolve("datasets").toString(), "--output", tmp.resolve("out").toString(),
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
}
