package org.meltharness.runtime.jlama;

import java.util.List;
import java.util.Optional;
import org.meltharness.HarnessException;
import org.meltharness.model.HfFolder;
import org.meltharness.runtime.JvmRestart;
import org.meltharness.runtime.ModelSource;
import org.meltharness.runtime.Offer;
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
        return HfFolder.isSafetensorsFolder(source.localPath());
    }

    /** 81.5 s: measured on an AVX-512 machine beside the other runtimes (docs/PERFORMANCE.md, "Choosing a runtime"). */
    @Override
    public double referenceSeconds() {
        return 81.5;
    }

    /** Jlama's Q4 multiplies with 8-bit activations: an approximation of Q4 weights, not their exact product. */
    @Override
    public boolean exact(String quant) {
        return !"q4".equalsIgnoreCase(quant);
    }

    /** q8 is listed so that asking for it gets the reason (Jlama 0.8.4 has no Q8 kernel); it is never offered. */
    @Override
    public Optional<Offer> offer(ModelSource source, String quant) {
        if ("q8".equalsIgnoreCase(quant)) return Optional.empty();
        return RuntimeProvider.super.offer(source, quant);
    }

    /** Narrower vectors when the model's shapes need them (see {@link VectorWidth}); a hub model is checked on load. */
    @Override
    public Optional<JvmRestart> jvmRestart(ModelSource source, String quant) {
        return source.isLocal() ? VectorWidth.restartFor(source.localPath()) : Optional.empty();
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
