package org.meltharness.runtime.llamacpp;

import java.nio.file.Path;
import java.util.Map;
import org.meltharness.SharedFiles;
import org.meltharness.runtime.ModelSource;
import org.meltharness.runtime.RuntimeConfig;
import org.meltharness.runtime.llamacpp.build.LibrarySource;

/** The GGUF files and folders in ../shared that the tests run on. */
final class TestModels {
    private TestModels() {}

    static Path gguf() {
        return SharedFiles.root().resolve("models/stories260K/gguf");
    }

    static Path f32() {
        return gguf().resolve("stories260K-f32.gguf");
    }

    static Path q8() {
        return gguf().resolve("stories260K-pad192-q8_0.gguf");
    }

    static Path q4() {
        return gguf().resolve("stories260K-pad192-q4_0.gguf");
    }

    static Path verification() {
        return SharedFiles.root().resolve("models/stories260K/verification");
    }

    static Path smollmShape() {
        return SharedFiles.root().resolve("models/shapes/smollm2-135m");
    }

    /** The pinned llama.cpp build, loaded once per JVM from the tests' shared copy ({@link PinnedLibraryForTests}). */
    static LlamaCpp lib() {
        return LlamaCpp.get(LibrarySource.of(Map.of(), Map.of(), CacheDirs.of(null), true));
    }

    static RuntimeConfig config(Path model, String quant, Path cache, Map<String, String> options) {
        return new RuntimeConfig(ModelSource.local(model), quant, 0, cache, true, options);
    }

    static LlamaCppRuntime open(Path model, Path cache, Map<String, String> options) {
        return (LlamaCppRuntime) new LlamaCppRuntimeProvider().open(config(model, null, cache, options));
    }

    static LlamaCppRuntime open(Path model, Path cache) {
        return open(model, cache, Map.of());
    }
}
