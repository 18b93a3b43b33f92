package org.meltharness.measure;

/** What a reading measures, with the one unit the harness stores it in. */
public enum Quantity {
    POWER("W"),
    /** A cumulative counter (RAPL's energy_uj, made monotonic): differences are joules. */
    ENERGY("J"),
    TEMPERATURE("degC"),
    FREQUENCY("MHz"),
    CURRENT("A"),
    VOLTAGE("V"),
    BYTES("B");

    private final String unit;

    Quantity(String unit) {
        this.unit = unit;
    }

    public String unit() {
        return unit;
    }

    /** Lower-case name, as written in CSV files. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Whether a meter's readings of this quantity add up to energy. */
    public boolean isEnergy() {
        return this == POWER || this == ENERGY;
    }
}
