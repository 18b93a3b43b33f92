package org.meltharness.devices;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.meltharness.HarnessException;

/** adb itself ({@code $ADB}, else {@code adb} on the PATH): one command at a time, each failure one line. */
final class Adb {
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String executable;

    Adb(String executable) {
        this.executable = executable;
    }

    static Adb fromEnvironment() {
        String env = System.getenv("ADB");
        return new Adb(env != null && !env.isBlank() ? env : "adb");
    }

    String executable() {
        return executable;
    }

    /** Runs {@code command} in the device's shell. */
    String shell(String serial, String command, String what) {
        return run(List.of("-s", serial, "shell", command), what, TIMEOUT);
    }

    String run(List<String> arguments, String what) {
        return run(arguments, what, TIMEOUT);
    }

    /** Runs adb; not installed, failing, or past {@code timeout} is one line. */
    String run(List<String> arguments, String what, Duration timeout) {
        List<String> cmd = new ArrayList<>();
        cmd.add(executable);
        cmd.addAll(arguments);
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw HarnessException.usage("adb not found (" + executable + "): install Android platform-tools and put adb on the PATH (or set ADB)");
        }
        try {
            p.getOutputStream().close();
            // Read on the side: reading here would block until adb ends, and the timeout would never fire.
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            Thread reader = Thread.ofVirtual().start(() -> {
                try (var in = p.getInputStream()) {
                    in.transferTo(bytes);
                } catch (IOException e) {
                    // the process was killed: what was read is all there is
                }
            });
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw HarnessException.usage("adb did not finish '" + what + "' within " + timeout.toSeconds() + " s");
            }
            reader.join(5_000);
            String text = bytes.toString(StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                String line = text.lines().filter(l -> !l.isBlank()).findFirst().orElse("exit code " + p.exitValue()).strip();
                throw HarnessException.usage("adb cannot " + what + ": "
                        + LocalPaths.printable(line.replaceFirst("^adb: ", "").replaceFirst("^error: ", "")));
            }
            return text;
        } catch (IOException e) {
            throw HarnessException.usage("adb cannot " + what + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HarnessException(HarnessException.INTERRUPTED, "interrupted while adb ran");
        }
    }
}
