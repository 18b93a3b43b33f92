package org.meltharness.runtime;

import java.util.Map;

/**
 * What a runtime loaded, recorded in every run's manifest.
 *
 * @param weightDtype the dtype the weights are held in while running (f32, bf16, q8, q4, ...)
 * @param weightBytes bytes of weights held in memory
 * @param parameters number of parameters of the model
 * @param contextLength the longest token sequence the runtime will score
 * @param path the local file or folder of the model as given or downloaded (a converted or quantised copy
 *     made from it is named in {@code details})
 * @param tokenizer what produced the token ids (library and file)
 * @param details runtime-specific facts (activation dtype, thread count, engine flags)
 */
public record ModelInfo(
        String runtime,
        String runtimeVersion,
        String path,
        String architecture,
        long parameters,
        String weightDtype,
        long weightBytes,
        int contextLength,
        int vocabularySize,
        String tokenizer,
        Map<String, Object> details) {
    /**
     * The {@code details} key under which a runtime reports its key/value cache's size in bytes when
     * it holds the whole window (keys and values of every layer), the most it will take.
     */
    public static final String KV_CACHE_BYTES_AT_WINDOW = "kvCacheBytesAtWindow";

    public ModelInfo {
        details = Map.copyOf(details);
    }

    /** The key/value cache's bytes at the full window, as the runtime reported it; null if it did not. */
    public Long kvCacheBytesAtWindow() {
        return details.get(KV_CACHE_BYTES_AT_WINDOW) instanceof Number n ? n.longValue() : null;
    }

    /** Bytes of a key/value cache: keys and values of every layer at every position. */
    public static long kvCacheBytes(int layers, int positions, int kvHeads, int headDim, int bytesPerValue) {
        return 2L * layers * positions * kvHeads * headDim * bytesPerValue;
    }
}
