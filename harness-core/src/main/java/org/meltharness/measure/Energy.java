package org.meltharness.measure;

import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Energy one meter saw inside one phase window: joules with mean and peak power, or the reason there
 * are none. Unavailable is never reported as zero joules.
 *
 * @param samples how many readings fell inside the window (0 means the value is interpolated
 *     between readings around it: a window shorter than the sampling period)
 */
public record Energy(
        String phase,
        String meter,
        OptionalDouble joules,
        OptionalDouble meanWatts,
        OptionalDouble maxWatts,
        OptionalLong tokens,
        int samples,
        Optional<String> unavailable) {

    public Energy {
        if (joules.isPresent() == unavailable.isPresent()) {
            throw new IllegalArgumentException("energy must be either measured or unavailable with a reason");
        }
    }

    static Energy unavailable(String phase, String meter, OptionalLong tokens, String reason) {
        return new Energy(phase, meter, OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(), tokens, 0,
                Optional.of(reason));
    }

    public boolean available() {
        return joules.isPresent();
    }

    /** Joules divided by the phase's tokens; empty when energy is unavailable or no tokens were counted. */
    public OptionalDouble joulesPerToken() {
        if (joules.isEmpty() || tokens.isEmpty() || tokens.getAsLong() <= 0) return OptionalDouble.empty();
        return OptionalDouble.of(joules.getAsDouble() / tokens.getAsLong());
    }
}
