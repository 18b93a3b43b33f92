package org.meltharness.runtime.djl;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import org.meltharness.SharedFiles;
import org.meltharness.runtime.ModelSource;
import org.meltharness.runtime.RuntimeConfig;

/** The real stories260K folders, and copies of their small files for tests that edit them. */
final class DjlTestModels {
    private static final ObjectMapper JSON = new ObjectMapper();

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

    /** Copies the small files of a model folder (not its weights), then edits config.json. */
    static Path copySideFiles(Path from, Path to, Consumer<ObjectNode> configEdit) {
        try {
            Files.createDirectories(to);
            try (var s = Files.list(from)) {
                for (Path p : s.toList()) {
                    if (!p.getFileName().toString().endsWith(".safetensors")) {
                        Path target = to.resolve(p.getFileName());
                        Files.copy(p, target);
                        target.toFile().setWritable(true);
                    }
                }
            }
            ObjectNode config = (ObjectNode) JSON.readTree(to.resolve("config.json").toFile());
            configEdit.accept(config);
            JSON.writeValue(to.resolve("config.json").toFile(), config);
            return to;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
