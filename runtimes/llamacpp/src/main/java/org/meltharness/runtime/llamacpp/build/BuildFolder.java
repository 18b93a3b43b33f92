package org.meltharness.runtime.llamacpp.build;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.meltharness.HarnessException;

/**
 * A folder holding one llama.cpp build: {@code libllama}, {@code libggml}, {@code libggml-base}, and
 * the backends ggml loads from it at run time ({@code libggml-cpu-*}, {@code libggml-cuda}, ...).
 *
 * @param origin how the folder was chosen, for the record ({@code --llama-cpp}, an environment
 *     variable, or the pinned build's package)
 * @param pinned the pinned build the folder holds, or null for a user's own build
 */
public record BuildFolder(Path dir, Path llama, Path ggml, Path ggmlBase, String origin, PinnedBuild pinned) {
    private static final Pattern LLAMA = library("llama");
    private static final Pattern GGML = library("ggml");
    private static final Pattern GGML_BASE = library("ggml-base");

    /**
     * A user's own build: {@code dir} must hold libllama and its ggml libraries (a llama.cpp
     * {@code build/bin} folder, an unpacked release). Anything missing is one line.
     */
    public static BuildFolder user(Path dir, String origin) {
        if (!Files.isDirectory(dir)) {
            throw HarnessException.usage(origin + " names " + dir + ", which is not a folder; it should be the folder "
                    + "holding libllama and the ggml libraries of a llama.cpp build (its build/bin)");
        }
        Path real;
        try {
            real = dir.toRealPath();
        } catch (IOException e) {
            throw HarnessException.usage("cannot read " + dir + ": " + e.getMessage());
        }
        return of(real, origin, null);
    }

    static BuildFolder of(Path dir, String origin, PinnedBuild pinned) {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.sorted(Comparator.comparing((Path p) -> p.getFileName().toString().length())
                    .thenComparing(p -> p.getFileName().toString())).toList();
        } catch (IOException e) {
            throw HarnessException.usage("cannot list " + dir + ": " + e.getMessage());
        }
        return new BuildFolder(dir, find(files, LLAMA, "libllama", dir, origin), find(files, GGML, "libggml", dir, origin),
                find(files, GGML_BASE, "libggml-base", dir, origin), origin, pinned);
    }

    /** The libraries in the order they are opened: each after those it links against. */
    public List<Path> libraries() {
        return List.of(ggmlBase, ggml, llama);
    }

    private static Path find(List<Path> files, Pattern p, String what, Path dir, String origin) {
        for (Path f : files) if (p.matcher(f.getFileName().toString()).matches()) return f;
        throw HarnessException.usage(dir + " (" + origin + ") holds no " + what + " (.so, .dylib or .dll); it should be the "
                + "folder with libllama and the ggml libraries of a llama.cpp build (its build/bin)");
    }

    /** {@code libNAME.so}, {@code libNAME.v0.5.0.so}, {@code libNAME.so.0.0.1}, {@code libNAME.0.dylib}, {@code NAME.dll}. */
    private static Pattern library(String name) {
        return Pattern.compile("(lib)?" + Pattern.quote(name) + "(\\.v?[0-9][0-9.]*)?\\.(so(\\.[0-9]+)*|dylib|dll)");
    }
}
