package org.meltharness.runtime;

import java.util.List;

/**
 * A prompt to continue. An empty prompt starts from the beginning-of-sequence token alone.
 *
 * @param temperature 0 for greedy decoding
 * @param seed seeds sampling when temperature is above 0
 * @param stopAtEos whether the model's end-of-sequence token ends generation
 */
public record GenerationRequest(
        String prompt, int maxTokens, double temperature, long seed, boolean stopAtEos, List<String> stop) {
    public GenerationRequest {
        if (maxTokens < 1) throw new IllegalArgumentException("maxTokens must be at least 1");
        if (temperature < 0) throw new IllegalArgumentException("temperature must not be negative");
        stop = List.copyOf(stop);
    }

    public static GenerationRequest greedy(String prompt, int maxTokens) {
        return new GenerationRequest(prompt, maxTokens, 0.0, 0L, true, List.of());
    }
}
