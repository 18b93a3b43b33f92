package org.meltharness;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Altered copies of real model folders, for the bad-input tests of every runtime. */
public final class ModelFolders {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelFolders() {}

    /** Copies the small files of a model folder (not its weights), then edits config.json. */
    public static Path copySideFiles(Path from, Path to, Consumer<ObjectNode> configEdit) {
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
