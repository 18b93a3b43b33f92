package org.meltharness.runtime.jlama;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.meltharness.HarnessException;
import org.meltharness.runtime.ModelSource;
import org.meltharness.runtime.Runtime;
import org.meltharness.runtime.RuntimeConfig;
import org.meltharness.runtime.RuntimeProvider;

/** The {@code jlama} runtime: safetensors models in pure Java through Jlama 0.8.4. */
public final class JlamaRuntimeProvider implements RuntimeProvider {

    @Override
    public String name() {
        return "jlama";
    }

    @Override
    public String description() {
        return "Jlama " + JlamaRuntime.jlamaVersion() + ": safetensors models (llama, mistral, qwen2, gemma, ...) "
                + "in Java, f32 / bf16 / q4";
    }

    @Override
    public List<String> quantizations() {
        return QuantPlan.QUANTS;
    }

    /** A local model stored in BF16 (or as Jlama Q4) runs as stored; anything else as f32. */
    @Override
    public String defaultQuantization(ModelSource source) {
        if (!source.isLocal() || !accepts(source)) return "f32";
        try {
            return QuantPlan.of(null, ModelFolder.open(source.localPath()).storedDtype(), java.util.Map.of()).quant();
        } catch (HarnessException e) {
            return "f32"; // opening the model reports the problem properly
        }
    }

    @Override
    public boolean accepts(ModelSource source) {
        if (!source.isLocal()) return source.hubRepo("safetensors").isPresent();
        Path dir = source.localPath();
        if (!Files.isDirectory(dir) || !Files.isRegularFile(dir.resolve("config.json"))) return false;
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().endsWith(".safetensors"));
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public Runtime open(RuntimeConfig config) {
        ModelSource source = config.model();
        if (source.isLocal()) return JlamaRuntime.open(source.localPath(), config);
        String repo = source.hubRepo("safetensors").orElseThrow(() -> HarnessException.unsupportedModel(
                "jlama runs safetensors models; " + source.requested() + " names none"));
        return JlamaRuntime.open(HubFiles.fetch(repo, source.revision(), config), config);
    }
}
