package org.meltharness.runtime.llamacpp;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.meltharness.HarnessException;
import org.meltharness.runtime.llamacpp.build.LibrarySource;

/**
 * The llama.cpp runtime's settings, from {@code --threads} and {@code --runtime-option key=value}:
 * {@code kv_type} (f32, the default for scoring exactness; f16 or q8_0 as on devices), {@code ctx}
 * (KV cache cells for scoring; grown up to the model's window when a request needs more),
 * {@code batch} and {@code ubatch} (tokens per {@code llama_decode} and per compute step),
 * {@code seqs} (sequences side by side in the cache), {@code gpu_layers} and {@code main_gpu} (GPU
 * offload of a build that has a GPU backend; {@code --gpu-layers}, {@code --main-gpu}) and
 * {@code llama_cpp} (the folder of a user's own build, {@code --llama-cpp}; read by {@link LibrarySource}). {@code threads} 0 means: one per core, but one
 * alone for models under {@value #SMALL_MODEL} parameters, whose operations are too small to share
 * (with OpenMP barriers after every operation, a second thread costs more than it brings, and on a
 * busy machine much more).
 */
record EngineOptions(GgmlType kvType, int cells, int batch, int ubatch, int seqs, int threads, LlamaModel.Offload offload) {
    static final long SMALL_MODEL = 10_000_000L;
    static final List<String> KEYS = List.of("kv_type", "ctx", "batch", "ubatch", "seqs", "gpu_layers", "main_gpu",
            LibrarySource.OPTION);

    static EngineOptions parse(Map<String, String> options, int threads) {
        for (String key : options.keySet()) {
            if (!KEYS.contains(key)) {
                throw HarnessException.usage("unknown --runtime-option " + key + " for llamacpp; it knows " + KEYS);
            }
        }
        String kv = options.getOrDefault("kv_type", "f32").toLowerCase(Locale.ROOT);
        GgmlType kvType = switch (kv) {
            case "f32" -> GgmlType.F32;
            case "f16" -> GgmlType.F16;
            case "q8_0" -> GgmlType.Q8_0;
            default -> throw HarnessException.usage("--runtime-option kv_type is f32, f16 or q8_0, not " + kv);
        };
        // 128 rather than llama.cpp's 512: a scoring round's attention runs over every cell in use,
        // the other requests' cells masked, so smaller rounds cost less, down to where re-streaming
        // the weights for each decode catches up. On the smollm2-135m shape, two threads, in
        // alternating runs: 200 arc_easy items 1-2% (F32) and 5% (Q4_0) faster than 256 and 10-20%
        // faster than 512, 60 HellaSwag items 4-10% faster than 256, 64 no better than 128; a
        // 512-token prompt prefills no slower (docs/PERFORMANCE.md).
        int batch = positive(options, "batch", 128);
        int seqs = positive(options, "seqs", 64);
        if (seqs < 2) throw HarnessException.usage("--runtime-option seqs must be at least 2 (one holds the shared prefix)");
        int gpuLayers = integer(options, "gpu_layers", 0, -1);
        int mainGpu = integer(options, "main_gpu", -1, 0);
        return new EngineOptions(kvType, positive(options, "ctx", 2048), batch, positive(options, "ubatch", batch),
                seqs, Math.max(0, threads), new LlamaModel.Offload(gpuLayers, mainGpu));
    }

    /** An integer option of at least {@code min} ({@code gpu_layers}: -1 means all layers). */
    private static int integer(Map<String, String> options, String key, int fallback, int min) {
        String v = options.get(key);
        if (v == null) return fallback;
        try {
            int n = Integer.parseInt(v.strip());
            if (n < min) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw HarnessException.usage("--runtime-option " + key + " must be an integer of at least " + min + ", not " + v);
        }
    }

    /** The threads to run with for a model of {@code parameters}. */
    int threadsFor(long parameters) {
        if (threads > 0) return threads;
        return parameters < SMALL_MODEL ? 1 : java.lang.Runtime.getRuntime().availableProcessors();
    }

    private static int positive(Map<String, String> options, String key, int fallback) {
        String v = options.get(key);
        if (v == null) return fallback;
        try {
            int n = Integer.parseInt(v.strip());
            if (n < 1) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw HarnessException.usage("--runtime-option " + key + " must be a positive integer, not " + v);
        }
    }
}
