package org.meltharness.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import org.meltharness.HarnessException;

/** One writer per run folder, between two real processes; a folder left by a killed process is taken over. */
@Timeout(60)
class RunLockTest {
    @TempDir
    Path dir;

    @Test
    void aSecondProcessIsRefusedByNameThenTakesOverWhenTheFirstIsKilled() throws Exception {
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), RunLockHolder.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", out.readLine());

            HarnessException refused = assertThrows(HarnessException.class, () -> RunLock.acquire(dir, "r1", msg -> { }));
            assertEquals(HarnessException.USAGE, refused.exitCode());
            assertTrue(refused.getMessage().startsWith("run r1 is in use by process " + holder.pid() + " on "),
                    refused.getMessage());

            holder.destroyForcibly(); // SIGKILL: no chance to release anything
            assertTrue(holder.waitFor(10, TimeUnit.SECONDS));
            List<String> notices = new ArrayList<>();
            try (RunLock lock = RunLock.acquire(dir, "r1", notices::add)) {
                assertEquals(1, notices.size(), notices.toString());
                assertTrue(notices.getFirst().startsWith("run r1 was left by process " + holder.pid() + " "), notices.getFirst());
                assertTrue(Files.readString(dir.resolve(RunLock.FILE)).contains("process " + ProcessHandle.current().pid() + " "));
            }
        } finally {
            holder.destroyForcibly();
        }
    }

    @Test
    void aReleasedFolderIsTakenWithoutNotice() throws Exception {
        RunLock.acquire(dir, "r2", msg -> { }).close();
        assertEquals("", Files.readString(dir.resolve(RunLock.FILE)), "emptied on release");
        List<String> notices = new ArrayList<>();
        RunLock.acquire(dir, "r2", notices::add).close();
        assertEquals(List.of(), notices);
    }
}
