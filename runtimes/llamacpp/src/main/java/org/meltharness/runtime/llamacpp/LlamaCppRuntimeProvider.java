package org.meltharness.runtime.llamacpp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.meltharness.HarnessException;
import org.meltharness.model.HfFolder;
import org.meltharness.runtime.ModelSource;
import org.meltharness.runtime.Offer;
import org.meltharness.runtime.Runtime;
import org.meltharness.runtime.RuntimeConfig;
import org.meltharness.runtime.RuntimeProvider;
import org.meltharness.runtime.llamacpp.build.LibrarySource;

/**
 * The {@code llamacpp} runtime: GGUF files run in-process by llama.cpp v0.5.0 through FFM bindings,
 * the pinned prebuilt build fetched into the cache or a user's own build ({@code --llama-cpp DIR}). Takes a {@code .gguf} file, a folder of them,
 * a hub repository of GGUF files, or a Hugging Face Llama-family folder (converted and quantised
 * into the cache as {@code --quant} asks).
 */
public final class LlamaCppRuntimeProvider implements RuntimeProvider {
    /** Types this runtime runs but does not produce (llama.cpp's imatrix-era and ternary types). */
    static final List<String> RUN_ONLY = List.of("iq2_xxs", "iq2_xs", "q2_k_s", "iq3_xs", "iq3_xxs", "iq1_s", "iq4_nl",
            "iq3_s", "iq3_m", "iq2_s", "iq2_m", "iq4_xs", "iq1_m", "tq1_0", "tq2_0");
    static final List<String> SHORTHANDS = List.of("q8", "q6", "q5", "q4", "q5_k", "q4_k", "q3_k");

    @Override
    public String name() {
        return "llamacpp";
    }

    @Override
    public String description() {
        return LlamaCpp.NAME + " in-process (FFM; pinned build or --llama-cpp DIR): GGUF files, f32 to q2_k; F32 KV cache "
                + "by default";
    }

    @Override
    public List<String> quantizations() {
        List<String> all = new ArrayList<>(Quantization.labels());
        all.addAll(SHORTHANDS);
        all.addAll(RUN_ONLY);
        return List.copyOf(all);
    }

    @Override
    public String defaultQuantization(ModelSource source) {
        try {
            return ModelFiles.defaultQuant(source);
        } catch (HarnessException e) {
            return "f32"; // opening the model reports the problem properly
        }
    }

    /** GGUF files and repositories, and Hugging Face folders it converts to GGUF (into the cache) first. */
    @Override
    public boolean accepts(ModelSource source) {
        return ModelFiles.accepts(source) || source.isLocal() && HfFolder.isSafetensorsFolder(source.localPath())
                && HfFolder.modelType(source.localPath()).map(HfConverter::converts).orElse(false);
    }

    /**
     * 24.9 s with b4916, measured on an AVX-512 machine beside the other runtimes (docs/PERFORMANCE.md,
     * "Choosing a runtime"). The pinned v0.5.0 build prefills faster than b4916 there (1.8x at F32)
     * and within 7% of it on AVX2 only, so its rank among the runtimes is the same; the figure is b4916's
     * until the four are measured side by side again.
     */
    @Override
    public double referenceSeconds() {
        return 24.9;
    }

    /**
     * A hub repository of GGUF files is offered only its quantised files: such repositories rarely
     * carry F32 or F16, and llamacpp does not convert a hub model's safetensors.
     */
    @Override
    public Optional<Offer> offer(ModelSource source, String quant) {
        Optional<Offer> offer = RuntimeProvider.super.offer(source, quant);
        if (source.isLocal()) return offer;
        return offer.filter(o -> {
            Quantization q = Quantization.find(o.quant());
            return q != null && q.quantized();
        });
    }

    @Override
    public String canonicalQuant(String quant) {
        Quantization q = Quantization.find(quant);
        return q == null ? quant : q.label();
    }

    @Override
    public Runtime open(RuntimeConfig config) {
        EngineOptions options = EngineOptions.parse(config.options(), config.threads());
        LlamaCpp lib = library(config);
        ModelFiles.Resolved r = ModelFiles.resolve(config, lib);
        return LlamaCppRuntime.open(lib, r.file(), r.given(), r.quant(), options, config.cacheDir(), r.details());
    }

    /** The llama.cpp build the configuration names (loaded once per process). */
    static LlamaCpp library(RuntimeConfig config) {
        return LlamaCpp.get(LibrarySource.of(config.options(), System.getenv(), CacheDirs.of(config.cacheDir()), config.offline()));
    }
}
