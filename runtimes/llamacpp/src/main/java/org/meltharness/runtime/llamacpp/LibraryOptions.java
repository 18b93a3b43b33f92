package org.meltharness.runtime.llamacpp;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.meltharness.runtime.llamacpp.build.LibrarySource;
import picocli.CommandLine.Option;

/** Which llama.cpp build the module's own commands ({@code convert}, {@code quantize}, {@code engines}) load. */
final class LibraryOptions {
    @Option(names = "--llama-cpp", paramLabel = "DIR",
            description = "A folder with libllama and its ggml libraries (a llama.cpp v0.5.0 build, e.g. a CUDA one); "
                    + "also HARNESS_LLAMA_CPP. Default: the pinned prebuilt build, fetched into the cache.")
    Path llamaCpp;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "The harness's cache (default: HARNESS_CACHE_DIR or ~/.cache/melt-harness).")
    Path cacheDir;

    @Option(names = "--offline", description = "Never use the network (also HARNESS_OFFLINE=1).")
    boolean offline;

    Path cacheDir() {
        return CacheDirs.of(cacheDir);
    }

    boolean offline() {
        return offline || "1".equals(System.getenv("HARNESS_OFFLINE"));
    }

    LibrarySource source() {
        Map<String, String> options = new HashMap<>();
        if (llamaCpp != null) options.put(LibrarySource.OPTION, llamaCpp.toString());
        return LibrarySource.of(options, System.getenv(), cacheDir(), offline());
    }

    LlamaCpp library() {
        return LlamaCpp.get(source());
    }
}
