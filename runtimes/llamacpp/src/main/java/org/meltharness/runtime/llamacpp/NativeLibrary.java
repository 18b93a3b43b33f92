package org.meltharness.runtime.llamacpp;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import org.meltharness.HarnessException;

/**
 * The llama.cpp shared library that Maven's {@code de.kherud:llama:4.2.0} carries for each platform,
 * copied out of the jar into a private temporary folder and opened with {@link SymbolLookup}.
 *
 * <p>The jar's own loader extracts to a fixed {@code /tmp/libjllama.so} and overwrites it on every
 * load, so two processes race on it; here every process has its own copy, and on Linux and macOS
 * the copy is deleted as soon as it is mapped. The platform can be overridden with the system
 * property {@value #PLATFORM_PROPERTY} ({@code OS/arch}, as the jar names its folders) to test the
 * refusal on a platform the jar does not cover.
 */
final class NativeLibrary {
    static final String PLATFORM_PROPERTY = "harness.llamacpp.platform";
    private static final String ROOT = "de/kherud/llama/";

    private NativeLibrary() {}

    /** The jar's folder name for this JVM's platform, e.g. {@code Linux/x86_64}. */
    static String platform() {
        String forced = System.getProperty(PLATFORM_PROPERTY);
        if (forced != null && !forced.isBlank()) return forced.strip();
        return os() + "/" + arch();
    }

    /** The resource holding the library for {@code platform}, or a one-line refusal. */
    static URL locate(String platform) {
        String file = platform.startsWith("Windows") ? "jllama.dll" : platform.startsWith("Mac") ? "libjllama.dylib"
                : "libjllama.so";
        URL url = NativeLibrary.class.getClassLoader().getResource(ROOT + platform + "/" + file);
        if (url == null) {
            throw HarnessException.unsupportedModel("the llamacpp runtime cannot run on " + platform + " (os.name="
                    + System.getProperty("os.name") + ", os.arch=" + System.getProperty("os.arch")
                    + "): de.kherud:llama:4.2.0 carries no llama.cpp library for it");
        }
        return url;
    }

    /** Copies the library for this platform out of the jar and opens it for the life of the JVM. */
    static SymbolLookup load() {
        String platform = platform();
        URL url = locate(platform);
        Path dir = null;
        Path lib = null;
        try {
            dir = Files.createTempDirectory("melt-llamacpp-");
            lib = dir.resolve(url.getPath().substring(url.getPath().lastIndexOf('/') + 1));
            try (InputStream in = url.openStream()) {
                Files.copy(in, lib, StandardCopyOption.REPLACE_EXISTING);
            }
            SymbolLookup lookup = SymbolLookup.libraryLookup(lib, Arena.global());
            if (!platform.startsWith("Windows")) {
                // Mapped now: the file is no longer needed, and nothing is left behind on a crash.
                Files.deleteIfExists(lib);
                Files.deleteIfExists(dir);
            } else {
                lib.toFile().deleteOnExit();
                dir.toFile().deleteOnExit();
            }
            return lookup;
        } catch (IOException e) {
            throw HarnessException.unsupportedModel("cannot copy the llama.cpp library for " + platform + " to " + dir
                    + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            // dlopen failed: usually a missing system library (libgomp) or a foreign binary.
            throw HarnessException.unsupportedModel("cannot open the llama.cpp library for " + platform + ": "
                    + firstLine(e.getMessage()), e);
        }
    }

    private static String os() {
        String name = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String vm = System.getProperty("java.vm.vendor", "").toLowerCase(Locale.ROOT);
        if (name.contains("linux")) return vm.contains("android") ? "Linux-Android" : "Linux";
        if (name.contains("mac") || name.contains("darwin")) return "Mac";
        if (name.contains("windows")) return "Windows";
        return System.getProperty("os.name", "unknown").replace(' ', '_');
    }

    private static String arch() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "amd64", "x86_64", "x64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            case "x86", "i386", "i486", "i586", "i686" -> "x86";
            default -> arch;
        };
    }

    private static String firstLine(String s) {
        if (s == null) return "unknown error";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
