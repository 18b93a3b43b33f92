package org.meltharness.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Servers started on "the phone" (adb is a script running the phone's shell on this machine, its
 * /data/local/tmp a temporary folder; the server a shell loop standing for llama-server): two runs
 * on one phone each stop only their own server, and a pid that outlived its server is left alone.
 * At bc942ac both runs wrote one {@code server.pid} and stopping killed whatever pid it held.
 */
class PhoneServerTest {
    private static final String DIR = "/data/local/tmp/melt-harness";

    @TempDir
    Path tmp;

    private Path phone;
    private Adb adb;
    private String binary;

    @BeforeEach
    void fakePhone() throws Exception {
        phone = Files.createDirectories(tmp.resolve("phone"));
        Path adbScript = tmp.resolve("adb");
        Files.writeString(adbScript, String.join("\n",
                "#!/bin/sh",
                "[ \"$1\" = -s ] && shift 2",
                "case \"$1\" in",
                "  shell) shift; exec sh -c \"$(printf '%s' \"$*\" | sed 's#/data/local/tmp#" + phone + "#g')\" ;;",
                "  *) echo \"adb: unexpected $1\" >&2; exit 1 ;;",
                "esac",
                ""));
        Files.setPosixFilePermissions(adbScript, PosixFilePermissions.fromString("rwxr-xr-x"));
        adb = new Adb(adbScript.toString());
        Path server = Files.createDirectories(phone.resolve("melt-harness")).resolve("0123abcd");
        Files.writeString(server, "#!/bin/sh\nwhile :; do sleep 0.2; done\n");
        binary = DIR + "/0123abcd";
    }

    private long pid(PhoneServer s) throws Exception {
        return Long.parseLong(Files.readString(Path.of(s.pidFile().replace("/data/local/tmp", phone.toString()))).strip());
    }

    /** Alive and not a zombie waiting for this machine's init to reap it (which can take seconds). */
    private static boolean alive(long pid) {
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) return false;
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** Up to 10 s for the process to end (it is not our child: polled rather than waited for). */
    private static void waitGone(long pid) throws InterruptedException {
        for (int i = 0; i < 500 && alive(pid); i++) Thread.sleep(20);
    }

    @Test
    void twoRunsOnOnePhoneEachStopOnlyTheirOwnServer() throws Exception {
        PhoneServer a = PhoneServer.start(adb, "FAKE", DIR, binary, List.of("--port", "8080"), "llama-server");
        PhoneServer b = PhoneServer.start(adb, "FAKE", DIR, binary, List.of("--port", "8081"), "llama-server");
        assertNotEquals(a.pidFile(), b.pidFile());
        assertNotEquals(a.logFile(), b.logFile());
        long pa = pid(a);
        long pb = pid(b);
        try {
            assertTrue(a.running() && b.running());
            a.stop();
            waitGone(pa);
            assertFalse(alive(pa), "the run's own server is stopped");
            assertTrue(alive(pb), "the other run's server is left running");
            assertTrue(b.running());
            assertFalse(Files.exists(Path.of(a.pidFile().replace("/data/local/tmp", phone.toString()))), "the pid file goes with it");
            b.stop();
            waitGone(pb);
            assertFalse(alive(pb));
        } finally {
            ProcessHandle.of(pa).ifPresent(ProcessHandle::destroyForcibly);
            ProcessHandle.of(pb).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void aPidThatOutlivedItsServerIsNotKilled() throws Exception {
        PhoneServer s = PhoneServer.start(adb, "FAKE", DIR, binary, List.of("--port", "8080"), "llama-server");
        long server = pid(s);
        ProcessHandle.of(server).ifPresent(ProcessHandle::destroyForcibly);
        waitGone(server);
        // The server died; the system gave its pid to another process (here: the pid file is made to name one).
        Process unrelated = new ProcessBuilder("sleep", "300").start();
        try {
            Files.writeString(Path.of(s.pidFile().replace("/data/local/tmp", phone.toString())), unrelated.pid() + "\n");
            assertFalse(s.running(), "another process under the old pid is not the server");
            s.stop();
            assertFalse(unrelated.waitFor(500, TimeUnit.MILLISECONDS), "the unrelated process was killed");
            assertEquals(true, unrelated.isAlive());
        } finally {
            unrelated.destroyForcibly();
        }
    }
}
