package org.meltharness.runtime;

import java.util.SplittableRandom;

/**
 * Picks the next token from raw logits: the arg-max at temperature 0 (the first on ties, as
 * {@code torch.argmax}), else a draw from {@code softmax(logits / temperature)} computed in double
 * with a {@link SplittableRandom} seeded from the request, so the same seed gives the same text.
 */
final class TokenSampler {
    private final double temperature;
    private final SplittableRandom random;

    TokenSampler(double temperature, long seed) {
        if (temperature < 0 || Double.isNaN(temperature)) throw new IllegalArgumentException("temperature " + temperature);
        this.temperature = temperature;
        this.random = new SplittableRandom(seed);
    }

    int next(float[] logits) {
        int best = LogProbs.argmax(logits);
        if (temperature == 0) return best;
        double max = logits[best];
        double sum = 0;
        for (float v : logits) sum += Math.exp((v - max) / temperature);
        // One uniform draw per token, whatever the vocabulary, keeps a seed's stream stable.
        double u = random.nextDouble() * sum;
        double acc = 0;
        int lastPossible = best;
        for (int i = 0; i < logits.length; i++) {
            double p = Math.exp((logits[i] - max) / temperature);
            if (p == 0) continue;
            acc += p;
            lastPossible = i;
            if (u < acc) return i;
        }
        return lastPossible; // rounding left u at the very top of the range
    }

}
