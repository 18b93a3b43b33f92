package org.meltharness.measure;

/** A probe whose power or energy readings add up to joules; where it is absent, energy is unavailable, never zero. */
public interface PowerMeter extends Probe {
    /** What the meter's total covers. */
    enum Scope {
        /** A CPU package (and its DRAM), as RAPL counts it. */
        PACKAGE,
        /** One or more supply rails of a board (Jetson INA3221). */
        RAIL,
        /** The whole device at its power input (phone battery, Monsoon monitor). */
        DEVICE,
        /** An accelerator board (nvidia-smi's power.draw). */
        ACCELERATOR
    }

    Scope scope();

    /**
     * Whether a channel's power counts toward the meter's total, so that nested channels (a RAPL
     * package and its cores, a Jetson's input rail and the rails it feeds) are not counted twice.
     */
    default boolean inTotal(String channel) {
        return true;
    }
}
