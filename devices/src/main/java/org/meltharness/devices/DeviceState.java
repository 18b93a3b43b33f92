package org.meltharness.devices;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.meltharness.HarnessException;
import org.meltharness.io.AtomicFiles;
import org.meltharness.io.Json;

/**
 * {@code device.json} in a device run's local folder: where the run lives on the device and the
 * command that runs it, so that a dropped connection, a restarted workstation or
 * {@code --resume} can find it again and, if it stopped, start the same command again.
 *
 * @param remoteRunDir the run's working folder on the device (logs, pid, exit code; the run folder under out/)
 * @param command the command line run on the device, word by word
 * @param launches how often the command was started (more than once: resumed after it stopped)
 * @param reconnects how often the connection dropped and was made again
 */
record DeviceState(
        String device, String address, String command, String runId, String remoteRoot, String remoteRunDir, String java,
        List<String> remoteCommand, int launches, int reconnects) {
    static final String FILE = "device.json";

    DeviceState withLaunches(int n) {
        return new DeviceState(device, address, command, runId, remoteRoot, remoteRunDir, java, remoteCommand, n, reconnects);
    }

    DeviceState withReconnects(int n) {
        return new DeviceState(device, address, command, runId, remoteRoot, remoteRunDir, java, remoteCommand, launches, n);
    }

    /** The run's own folder on the device (manifest, samples, summary). */
    String remoteResults() {
        return remoteRunDir + "/out/" + runId;
    }

    void write(Path localRunDir) {
        AtomicFiles.write(localRunDir.resolve(FILE), Json.pretty(this));
    }

    static DeviceState read(Path localRunDir) {
        Path f = localRunDir.resolve(FILE);
        if (!Files.isRegularFile(f)) {
            throw HarnessException.usage("run " + localRunDir.getFileName() + " in " + localRunDir.getParent()
                    + " was not made on a device (no " + FILE + "); resume it without --device");
        }
        try {
            return Json.read(Files.readString(f), DeviceState.class);
        } catch (JsonProcessingException e) {
            throw HarnessException.badData(f + ": not a device state: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw HarnessException.badData("cannot read " + f + ": " + e.getMessage());
        }
    }
}
