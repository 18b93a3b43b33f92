package org.meltharness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Errors reach the user as one line in their category, each with its exit code (README, "Exit codes"). */
class ExitCodesTest {
    @Test
    void aBadOptionIsAUsageError() {
        CliRun r = CliRun.of("eval", "--no-such-option");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().startsWith("harness: Unknown option: '--no-such-option'"), r.err());
    }

    @Test
    void aFolderThatCannotBeWrittenIsAnIoErrorInOneLine(@TempDir Path dir) throws Exception {
        // A report whose folder would have to be made inside a file: the file system refuses, and the user gets one line.
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        CliRun r = CliRun.of("report", "--paper", "melt", "--output", dir.toString(), "--report-dir", file.resolve("report").toString());
        assertEquals(5, r.exitCode(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("harness: I/O error: cannot write " + file.resolve("report")), r.err());
        assertTrue(!r.err().contains("Exception"), "no Java class names: " + r.err());
    }

    @Test
    void aStoredRunThatIsMissingIsAUsageError(@TempDir Path dir) {
        CliRun r = CliRun.of("diff", "nope-a", "nope-b", "--output", dir.toString());
        assertEquals(2, r.exitCode(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }
}
