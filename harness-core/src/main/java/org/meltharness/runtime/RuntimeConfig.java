package org.meltharness.runtime;

import java.nio.file.Path;
import java.util.Map;

/**
 * Everything a runtime needs to load a model.
 *
 * @param quant the weight format asked for ({@code f32}, {@code bf16}, {@code q8}, {@code q4}, ...)
 * @param threads worker threads, or 0 for the runtime's default
 * @param cacheDir where downloads and converted weights are kept
 * @param offline whether network access is forbidden
 * @param options runtime-specific settings given as {@code --runtime-option key=value}
 */
public record RuntimeConfig(
        ModelSource model, String quant, int threads, Path cacheDir, boolean offline, Map<String, String> options) {
    public RuntimeConfig {
        options = Map.copyOf(options);
    }
}
