package org.meltharness.run.bench;

import java.nio.file.Path;
import org.meltharness.bench.BenchSummary;

/** A finished bench run: its folder, summary and how many plot files it drew. */
public record BenchResult(Path dir, BenchSummary summary, int plotFiles) {}
