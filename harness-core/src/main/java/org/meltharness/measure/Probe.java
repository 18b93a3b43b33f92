package org.meltharness.measure;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Something a {@link Sampler} reads at a steady rate on its own thread: a power meter, the
 * thermal zones, CPU frequencies, the process's memory.
 */
public interface Probe {
    /** Short and stable: it is the {@code source} column of every sample. */
    String name();

    /** Empty when the probe can be read here; otherwise why not, in words a user can act on. */
    Optional<String> whyUnavailable();

    /** Called once before the first read, with the sampling period; a probe backed by a process starts it here. */
    default void start(Duration period) throws IOException {}

    /**
     * The current readings. A sensor inside the probe that fails is left out from then on, with a
     * note; an exception means the probe as a whole has stopped (its thread ends with a note).
     */
    List<Reading> read(Consumer<String> notes) throws IOException;

    /**
     * True when {@link #read} blocks until the source's next sample (a process printing at the rate
     * it was started with), so the sampler reads again at once instead of sleeping.
     */
    default boolean selfPaced() {
        return false;
    }

    /** Releases what {@link #start} took; a blocked {@link #read} must then return or throw. */
    default void stop() {}
}
