package org.meltharness.measure;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Runs one command in an Android device's shell ({@code adb shell}); tests stand in a fake device. */
@FunctionalInterface
public interface AdbShell {
    /**
     * Runs {@code command} on the device. Throws IOException when adb itself cannot be run; a device
     * that is missing or unauthorised is a result with a non-zero exit code and adb's message.
     */
    Result run(String command) throws IOException, InterruptedException;

    /** Exit code and outputs of one command (old devices always report 0 and mix stderr into stdout). */
    record Result(int exitCode, String stdout, String stderr) {}

    /** {@code adb shell} on the only connected device. */
    static AdbShell adb() {
        return adb(List.of("adb"), null, Duration.ofSeconds(10));
    }

    /**
     * @param adb how to run adb ({@code [adb]} or a full path)
     * @param serial the device ({@code adb -s}), or null for the only one connected
     * @param timeout after which one command counts as failed
     */
    static AdbShell adb(List<String> adb, String serial, Duration timeout) {
        List<String> prefix = new ArrayList<>(adb);
        if (serial != null) prefix.addAll(List.of("-s", serial));
        prefix.add("shell");
        List<String> fixed = List.copyOf(prefix);
        return command -> {
            List<String> cmd = new ArrayList<>(fixed);
            cmd.add(command);
            Processes.Result r = Processes.run(cmd, timeout);
            return new Result(r.exitCode(), r.stdout(), r.stderr());
        };
    }
}
