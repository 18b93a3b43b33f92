package org.meltharness.measure;

/** Something a run's reader should know about its measurements (a sensor that vanished, a probe that stopped). */
public record Note(long tNanos, String source, String message) {}
