package org.meltharness.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --device adb:...} when adb is missing, sees no device, or sees an unauthorised one: one
 * line and a non-zero exit each. adb is a shell script first on the PATH of a real harness process,
 * printing what adb itself prints in those cases.
 */
class AdbDeviceTest {
    @TempDir
    Path tmp;

    private record Run(int code, String stderr) {}

    private Run harness(Path pathDir, String serial, String... more) throws Exception {
        Path server = Files.writeString(tmp.resolve("llama-server"), "#!/bin/sh\n");
        Path model = Files.writeString(tmp.resolve("model.gguf"), "GGUF");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.meltharness.cli.Main", "bench", "--device", "adb:" + serial,
                "--runtime", "http", "--server", server.toString(), "--model", model.toString(), "--output", tmp.resolve("out").toString()));
        cmd.addAll(List.of(more));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("PATH", pathDir + ":/usr/bin:/bin");
        pb.environment().remove("ADB");
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("harness did not end within 60 s: " + err);
        }
        return new Run(p.exitValue(), err);
    }

    private Path fakeAdb(String devicesOutput) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("bin"));
        Path adb = dir.resolve("adb");
        Files.writeString(adb, "#!/bin/sh\nif [ \"$1\" = devices ]; then\n  printf '%s' '" + devicesOutput + "'\n  exit 0\nfi\n"
                + "echo \"adb: unexpected $*\" >&2\nexit 1\n");
        Files.setPosixFilePermissions(adb, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    private static void assertOneLine(Run r, String expected) {
        assertEquals(2, r.code(), r.stderr());
        assertEquals(1, r.stderr().strip().lines().count(), r.stderr());
        assertTrue(r.stderr().contains(expected), r.stderr());
    }

    @Test
    void noAdbOnThePath() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        // /usr/bin and /bin stay on the PATH; the test machine has no adb there.
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.exists(Path.of("/usr/bin/adb")) || Files.exists(Path.of("/bin/adb")),
                "an adb is installed on this machine");
        assertOneLine(harness(empty, "0123456789ABCDEF"), "adb not found");
    }

    @Test
    void noDeviceAttached() throws Exception {
        Path bin = fakeAdb("* daemon not running; starting now at tcp:5037\n* daemon started successfully\nList of devices attached\n\n");
        assertOneLine(harness(bin, "0123456789ABCDEF"), "no Android device attached");
    }

    @Test
    void anUnauthorisedDevice() throws Exception {
        Path bin = fakeAdb("List of devices attached\n0123456789ABCDEF\tunauthorized\n\n");
        assertOneLine(harness(bin, "0123456789ABCDEF"), "0123456789ABCDEF is unauthorized");
    }

    @Test
    void anotherDeviceThanTheOneNamed() throws Exception {
        Path bin = fakeAdb("List of devices attached\nemulator-5554\tdevice\n\n");
        assertOneLine(harness(bin, "0123456789ABCDEF"), "0123456789ABCDEF is not attached");
    }

    @Test
    void aPortThatIsNotANumber() throws Exception {
        Path bin = fakeAdb("List of devices attached\n0123456789ABCDEF\tdevice\n\n");
        assertOneLine(harness(bin, "0123456789ABCDEF", "--device-option", "port=abc"), "--device-option port must be a number, not 'abc'");
        assertOneLine(harness(bin, "0123456789ABCDEF", "--device-option", "port=70000"), "must be a TCP port (1-65535), not 70000");
    }
}
