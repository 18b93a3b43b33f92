package org.meltharness.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/** What can be told about a Hugging Face model folder without loading it, for choosing a runtime. */
public final class HfFolder {
    private HfFolder() {}

    /** Whether {@code dir} holds a config.json and safetensors weights. */
    public static boolean isSafetensorsFolder(Path dir) {
        if (dir == null || !Files.isDirectory(dir) || !Files.isRegularFile(dir.resolve("config.json"))) return false;
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().endsWith(".safetensors"));
        } catch (IOException e) {
            return false;
        }
    }

    /** config.json's {@code model_type}, lower case; empty when it cannot be read (loading then says why). */
    public static Optional<String> modelType(Path dir) {
        try {
            String t = new ObjectMapper().readTree(dir.resolve("config.json").toFile()).path("model_type").asText("");
            return t.isEmpty() ? Optional.empty() : Optional.of(t.toLowerCase(Locale.ROOT));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
