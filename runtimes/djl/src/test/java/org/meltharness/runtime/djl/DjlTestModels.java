package org.meltharness.runtime.djl;

import java.nio.file.Path;
import java.util.Map;
import org.meltharness.SharedFiles;
import org.meltharness.runtime.ModelSource;
import org.meltharness.runtime.RuntimeConfig;

/** The real stories260K folders, and copies of their small files for tests that edit them. */
final class DjlTestModels {

    private DjlTestModels() {}

    static Path verification() {
        return SharedFiles.root().resolve("models/stories260K/verification");
    }

    /** One PyTorch thread: tests share two cores with other work, where more threads only wait on each other. */
    static RuntimeConfig config(Path model, String quant, Path cache, Map<String, String> options) {
        return new RuntimeConfig(ModelSource.local(model), quant, 1, cache, true, options);
    }

    static DjlRuntime open(Path model) {
        return (DjlRuntime) new DjlRuntimeProvider().open(config(model, "f32", null, Map.of()));
    }
}
