package org.meltharness.runtime.djl;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.meltharness.HarnessException;
import org.meltharness.model.HfFolder;
import org.meltharness.model.HubClient;
import org.meltharness.runtime.ModelSource;
import org.meltharness.runtime.Offer;
import org.meltharness.runtime.Runtime;
import org.meltharness.runtime.RuntimeConfig;
import org.meltharness.runtime.RuntimeProvider;

/**
 * The {@code djl} runtime: Llama-family safetensors models in float32 on PyTorch through DJL, the
 * full-precision reference for the quantised runtimes.
 */
public final class DjlRuntimeProvider implements RuntimeProvider {
    static final Predicate<String> NEEDED = name -> name.endsWith(".safetensors")
            || Set.of("config.json", "tokenizer.json", "tokenizer_config.json", "generation_config.json",
                    "special_tokens_map.json", Safetensors.INDEX).contains(name);

    @Override
    public String name() {
        return "djl";
    }

    @Override
    public String description() {
        return "DJL 0.36.0 on PyTorch 2.7.1: Llama-family safetensors models (llama, mistral, qwen2) in f32, "
                + "the full-precision reference (bf16 is refused: DJL's PyTorch binding has no BFloat16)";
    }

    /** bf16 is listed so that asking for it reaches {@link DjlRuntime#refuseUnrunnableQuant}, which says why not. */
    @Override
    public List<String> quantizations() {
        return List.of("f32", "bf16");
    }

    /** A safetensors folder (or hub repository) of a Llama-family model: djl computes those exactly in F32. */
    @Override
    public boolean accepts(ModelSource source) {
        if (!source.isLocal()) return source.hubRepo("safetensors").isPresent();
        Path dir = source.localPath();
        return HfFolder.isSafetensorsFolder(dir) && HfFolder.modelType(dir).map(LlamaConfig.ARCHITECTURES::contains).orElse(false);
    }

    /** 34.9 s: measured on an AVX-512 machine beside the other runtimes (docs/PERFORMANCE.md, "Choosing a runtime"). */
    @Override
    public double referenceSeconds() {
        return 34.9;
    }

    /** Only f32 is offered when no runtime is named: bf16 is listed only so that asking for it gets the reason. */
    @Override
    public Optional<Offer> offer(ModelSource source, String quant) {
        if (quant != null && !quant.equalsIgnoreCase("f32")) return Optional.empty();
        return RuntimeProvider.super.offer(source, "f32");
    }

    @Override
    public Runtime open(RuntimeConfig config) {
        ModelSource source = config.model();
        if (source.isLocal()) return DjlRuntime.open(source.localPath(), config);
        DjlRuntime.refuseUnrunnableQuant(config.quant());
        String repo = source.hubRepo("safetensors").orElseThrow(() -> HarnessException.unsupportedModel(
                "djl runs safetensors models; " + source.requested() + " names none"));
        if (config.cacheDir() == null) throw HarnessException.usage("djl needs a cache folder to download " + repo);
        Path dir = HubClient.fromEnvironment(config.cacheDir(), config.offline()).resolve(repo, source.revision(), NEEDED);
        return DjlRuntime.open(dir, config);
    }
}
