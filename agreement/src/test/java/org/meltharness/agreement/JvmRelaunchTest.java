package org.meltharness.agreement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness restarts its JVM when a runtime needs options it was not started with (on AVX-512,
 * Jlama on stories260K needs -XX:MaxVectorSize=32; {@link RestartProbe} needs a property, so that this
 * runs on any CPU): the command runs once, in the new JVM, with the process's exit code and output,
 * and killing the process the user started ends the new JVM too.
 */
@Timeout(120)
class JvmRelaunchTest {
    @TempDir
    Path tmp;

    private Process start(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "org.meltharness.cli.Main"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectError(tmp.resolve("err.txt").toFile()).start();
    }

    @Test
    void theCommandRunsOnceInARestartedJvmWithItsOutputAndExitCode() throws Exception {
        Process p = start("generate", "--runtime", "restart-probe", "--model", tmp.toString(), "--max-tokens", "2");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String err = Files.readString(tmp.resolve("err.txt"));
        assertEquals(0, p.exitValue(), err);
        assertEquals("restarted=yes restarted=yes ", out, "generated in the new JVM, once");
        assertTrue(err.contains("harness: restarting the JVM with -D" + RestartProbe.PROPERTY + "=yes: the probe needs it"), err);
        assertEquals(1, err.split("restarting the JVM", -1).length - 1, "restarted once: " + err);
    }

    @Test
    void killingTheStartedProcessEndsTheRestartedJvm() throws Exception {
        Process p = start("generate", "--runtime", "restart-probe", "--model", tmp.toString(), "--max-tokens", "600");
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertTrue(out.read() >= 0, "the restarted JVM generates");
        List<ProcessHandle> children = p.descendants().toList();
        assertEquals(1, children.size(), "one restarted JVM: " + children);
        p.destroyForcibly(); // SIGKILL: the started process cannot pass anything on
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        ProcessHandle child = children.getFirst();
        assertTrue(child.onExit().get(5, TimeUnit.SECONDS) != null);
        assertTrue(!child.isAlive(), "no JVM left behind");
    }
}
