package org.meltharness.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Names a device gives become local paths only inside their folder, and its text reaches the terminal without control characters. */
class LocalPathsTest {
    @TempDir
    Path tmp;

    @Test
    void plainNamesResolveInsideTheFolder() {
        assertEquals(tmp.resolve("samples-arc_easy.jsonl"), LocalPaths.inside(tmp, "samples-arc_easy.jsonl"));
        assertEquals(tmp.resolve("class/thermal/thermal_zone0/temp"), LocalPaths.inside(tmp, "class/thermal/thermal_zone0/temp"));
    }

    @Test
    void namesLeadingElsewhereAreRefused() throws Exception {
        for (String bad : List.of("../x", "a/../../x", "/etc/passwd", "a//b", "./a", "a/.", "", "..", "a\nb", "a\u001b[2Jb", "a\0b")) {
            assertNull(LocalPaths.inside(tmp, bad), bad);
        }
        // A link inside the folder would lead the write out of it, wherever it sits on the way.
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.createSymbolicLink(root.resolve("link"), elsewhere);
        Files.createSymbolicLink(root.resolve("file.jsonl"), elsewhere.resolve("f"));
        assertNull(LocalPaths.inside(root, "link/temp"));
        assertNull(LocalPaths.inside(root, "file.jsonl"));
    }

    @Test
    void controlCharactersAreDroppedFromEchoedText() {
        assertEquals("harness: done [2J\tok", LocalPaths.printable("harness: done \u001b[2J\tok\r"));
        assertEquals("plain", LocalPaths.printable("plain"));
        assertEquals("a b", LocalPaths.printable("a\u009b b"));
    }
}
