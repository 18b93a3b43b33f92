package org.meltharness.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.meltharness.run.ModelRequest;
import picocli.CommandLine.Option;

/** Which model to load and how: shared by eval, generate and later commands. */
public final class ModelOptions {
    @Option(names = {"-m", "--model"}, paramLabel = "MODEL",
            description = "A model folder or file, an alias (./harness models; a -q4 style suffix picks the "
                    + "quantisation) or a hub repository id (org/name).")
    String model;

    @Option(names = "--runtime", paramLabel = "NAME",
            description = "Runtime to run the model on (default: the first that accepts it; ./harness models lists them).")
    String runtime;

    @Option(names = {"-q", "--quant"}, paramLabel = "QUANT",
            description = "Weight format: f32, bf16, q8, q4 (runtimes list what they accept).")
    String quant;

    @Option(names = "--weights", paramLabel = "stored|random",
            description = "random: seeded random weights (--seed) for a model folder with config.json and tokenizer "
                    + "files only, for measuring shapes without weights (default: stored).")
    String weights;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: the runtime's).")
    Integer threads;

    Map<String, String> runtimeOptions = new LinkedHashMap<>();

    // A setter rather than an annotated field: picocli would replace the field's map, losing --endpoint.
    @Option(names = "--runtime-option", paramLabel = "KEY=VALUE", description = "A runtime-specific setting.")
    void runtimeOption(Map<String, String> options) {
        runtimeOptions.putAll(options);
    }

    /** Shorthand for {@code --runtime-option endpoint=URL}, so the endpoint is recorded with the other options. */
    @Option(names = "--endpoint", paramLabel = "URL",
            description = "The server a remote runtime talks to (--runtime http: an OpenAI-compatible base URL such as "
                    + "http://127.0.0.1:8080/v1).")
    void endpoint(String url) {
        runtimeOptions.put("endpoint", url);
    }

    /** The model as asked: what was not given stays null. */
    ModelRequest request() {
        return new ModelRequest(model, runtime, quant, weights, threads, runtimeOptions);
    }

    /** Shorthand for {@code --runtime-option kv_type=TYPE}: the key/value cache's type, recorded with the run. */
    @Option(names = "--kv-type", paramLabel = "TYPE",
            description = "Key/value cache type where the runtime has a choice (llamacpp: f32 for scoring, the default; "
                    + "f16 or q8_0 as on devices).")
    void kvType(String type) {
        runtimeOptions.put("kv_type", type);
    }

    /** Shorthand for {@code --runtime-option llama_cpp=DIR}: a user's own llama.cpp build for the llamacpp runtime. */
    @Option(names = "--llama-cpp", paramLabel = "DIR",
            description = "llamacpp: the folder of your own llama.cpp v0.5.0 build (libllama and its ggml libraries, e.g. a "
                    + "CUDA build's build/bin); also HARNESS_LLAMA_CPP. Default: the pinned prebuilt build.")
    void llamaCpp(String dir) {
        runtimeOptions.put("llama_cpp", dir);
    }

    /** Shorthand for {@code --runtime-option gpu_layers=N}. */
    @Option(names = "--gpu-layers", paramLabel = "N",
            description = "Layers to offload to the GPU where the runtime has one (llamacpp with a GPU build; -1 all).")
    void gpuLayers(String n) {
        runtimeOptions.put("gpu_layers", n);
    }

    /** Shorthand for {@code --runtime-option main_gpu=N}. */
    @Option(names = "--main-gpu", paramLabel = "N", description = "The GPU that holds the whole model (llamacpp).")
    void mainGpu(String n) {
        runtimeOptions.put("main_gpu", n);
    }
}
