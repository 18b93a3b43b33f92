package org.meltharness.runtime.llamacpp.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.meltharness.HarnessException;

/** Which build a run loads: --llama-cpp, else HARNESS_LLAMA_CPP, else the pinned build in the cache. */
class LibrarySourceTest {
    private static final Path CACHE = Path.of("/tmp/cache");

    @Test
    void theOptionWinsThenTheEnvironmentThenThePinnedBuild() {
        LibrarySource opt = LibrarySource.of(Map.of("llama_cpp", "/opt/a"), Map.of("HARNESS_LLAMA_CPP", "/opt/b"), CACHE, true);
        assertEquals(Path.of("/opt/a"), opt.userDir());
        assertEquals("--llama-cpp", opt.origin());
        LibrarySource env = LibrarySource.of(Map.of(), Map.of("HARNESS_LLAMA_CPP", "/opt/b"), CACHE, true);
        assertEquals(Path.of("/opt/b"), env.userDir());
        assertEquals("HARNESS_LLAMA_CPP", env.origin());
        LibrarySource blank = LibrarySource.of(Map.of("llama_cpp", " "), Map.of("HARNESS_LLAMA_CPP", ""), CACHE, true);
        assertNull(blank.userDir());
        assertEquals("pinned", blank.origin());
    }

    @Test
    void thePinnedBuildLivesInTheCacheUnlessThePropertyNamesAnother() {
        String key = LibrarySource.CACHE_PROPERTY;
        String before = System.getProperty(key);
        try {
            System.clearProperty(key);
            assertEquals(CACHE, LibrarySource.of(Map.of(), Map.of(), CACHE, true).cacheDir());
            System.setProperty(key, "/tmp/shared");
            LibrarySource s = LibrarySource.of(Map.of(), Map.of(), CACHE, true);
            assertEquals(Path.of("/tmp/shared"), s.cacheDir());
            if (PinnedBuild.forPlatform(Platform.current()).isPresent()) {
                assertTrue(s.expectedDir().startsWith(Path.of("/tmp/shared/llamacpp/builds")), s.expectedDir().toString());
            }
        } finally {
            if (before == null) System.clearProperty(key);
            else System.setProperty(key, before);
        }
    }

    @Test
    void aPlatformWithoutAPinnedBuildIsOneLine() {
        String before = System.getProperty(Platform.PROPERTY);
        try {
            System.setProperty(Platform.PROPERTY, "win-x64");
            HarnessException e = assertThrows(HarnessException.class,
                    () -> LibrarySource.of(Map.of(), Map.of(), CACHE, true).pinned());
            assertEquals(HarnessException.UNSUPPORTED_MODEL, e.exitCode());
            assertTrue(e.getMessage().startsWith("no prebuilt llama.cpp is pinned for win-x64 (os.name="), e.getMessage());
        } finally {
            if (before == null) System.clearProperty(Platform.PROPERTY);
            else System.setProperty(Platform.PROPERTY, before);
        }
    }
}
