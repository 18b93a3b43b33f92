package org.meltharness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every error becomes one line in its category, with that category's exit code. */
class FailureTest {
    @Test
    void aHarnessExceptionSaysItsOwnCategory() {
        Failure f = Failure.of(HarnessException.device("lost ssh://pi for 10 minutes"));
        assertEquals(new Failure(HarnessException.DEVICE, "lost ssh://pi for 10 minutes", false), f);
        assertEquals(HarnessException.NETWORK, Failure.of(HarnessException.network("gave up after 7 attempts")).exitCode());
    }

    @Test
    void fileErrorsAreIoErrorsNamingTheFile() {
        Failure missing = Failure.of(new UncheckedIOException("cannot read /r/manifest.json", new NoSuchFileException("/r/manifest.json")));
        assertEquals(HarnessException.IO, missing.exitCode());
        assertEquals("I/O error: cannot read /r/manifest.json: /r/manifest.json: no such file or folder", missing.message());
        assertFalse(missing.internal());
        // Wrapped without words of its own (new UncheckedIOException(e)): the cause alone, not its class name.
        Failure denied = Failure.of(new UncheckedIOException(new AccessDeniedException("/results/x")));
        assertEquals("I/O error: /results/x: permission denied", denied.message());
    }

    @Test
    void aRealFileSystemErrorIsOneLine(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        IOException real = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> Files.createDirectories(file.resolve("sub")));
        Failure f = Failure.of(new UncheckedIOException("cannot create run folder " + file.resolve("sub"), real));
        assertEquals(HarnessException.IO, f.exitCode());
        assertEquals(1, f.message().lines().count(), f.message());
        assertTrue(f.message().startsWith("I/O error: cannot create run folder " + file.resolve("sub") + ": "), f.message());
    }

    @Test
    void aConnectionThatFailsIsANetworkError() {
        Failure f = Failure.of(new UncheckedIOException(new ConnectException("Connection refused")));
        assertEquals(HarnessException.NETWORK, f.exitCode());
        assertEquals("network error: Connection refused", f.message());
    }

    @Test
    void anythingElseIsAnInternalError() {
        Failure f = Failure.of(new IllegalStateException("boom"));
        assertEquals(HarnessException.INTERNAL, f.exitCode());
        assertTrue(f.internal());
        assertEquals("internal error: java.lang.IllegalStateException: boom", f.message());
    }
}
