package org.meltharness.measure;

/** One value a probe read, not yet timestamped: {@code channel} names the sensor inside the probe. */
public record Reading(String channel, Quantity quantity, double value) {}
