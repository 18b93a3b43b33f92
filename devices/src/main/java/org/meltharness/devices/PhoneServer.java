package org.meltharness.devices;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * A server started on the phone for one run. Its pid goes to a file of its own
 * ({@code server-<token>.pid}, its log beside it), so that two runs on one phone do not share one;
 * and a pid is signalled only while {@code /proc/<pid>/cmdline} still names this server's binary,
 * so that a pid that outlived its server (reused by the system for another process) is left alone.
 */
final class PhoneServer {
    private final Adb adb;
    private final String serial;
    private final String binary;
    private final String pidFile;
    private final String logFile;

    private PhoneServer(Adb adb, String serial, String binary, String pidFile, String logFile) {
        this.adb = adb;
        this.serial = serial;
        this.binary = binary;
        this.pidFile = pidFile;
        this.logFile = logFile;
    }

    /**
     * Starts {@code binary} (already on the phone, in {@code dir}) with {@code args}, detached from
     * the adb shell, its output in its own log.
     */
    static PhoneServer start(Adb adb, String serial, String dir, String binary, List<String> args, String what) {
        byte[] token = new byte[6];
        new SecureRandom().nextBytes(token);
        String name = "server-" + HexFormat.of().formatHex(token);
        PhoneServer s = new PhoneServer(adb, serial, binary, dir + "/" + name + ".pid", dir + "/" + name + ".log");
        List<String> command = new java.util.ArrayList<>(List.of(binary));
        command.addAll(args);
        adb.shell(serial, "chmod 755 " + Shell.quote(binary) + " && cd " + Shell.quote(dir) + " && (nohup " + Shell.join(command)
                + " > " + Shell.quote(s.logFile) + " 2>&1 & echo $! > " + Shell.quote(s.pidFile) + ")", "start " + what);
        return s;
    }

    String pidFile() {
        return pidFile;
    }

    String logFile() {
        return logFile;
    }

    /** Whether the recorded pid is alive and still this server (its command line names the binary). */
    boolean running() {
        return adb.shell(serial, ours() + " && echo running || echo gone", "look at the server").contains("running");
    }

    /** Stops the server if its pid is still this server; forgets the pid either way. */
    void stop() {
        adb.shell(serial, "if " + ours() + "; then kill \"$p\"; fi; rm -f " + Shell.quote(pidFile) + "; true", "stop the server");
    }

    /**
     * A shell test, true when the pid file names a live process whose command line holds the
     * binary's path (argv[0] of a server started by its path): a pid alone can be another process's
     * by now.
     */
    private String ours() {
        return "{ p=$(cat " + Shell.quote(pidFile) + " 2>/dev/null) && [ -n \"$p\" ] && grep -qF -- " + Shell.quote(binary)
                + " \"/proc/$p/cmdline\"; } 2>/dev/null";
    }
}
