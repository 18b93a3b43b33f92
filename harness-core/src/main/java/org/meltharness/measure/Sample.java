package org.meltharness.measure;

/**
 * One timestamped value: {@code source} is the probe's name, {@code tNanos} the run's monotonic
 * clock when it was read.
 */
public record Sample(long tNanos, String source, String channel, Quantity quantity, double value) {}
