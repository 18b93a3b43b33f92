package org.meltharness.run.eval;

import java.nio.file.Path;
import org.meltharness.results.Summary;

/** A finished eval: its run folder and summary. */
public record EvalResult(String runId, Path dir, Summary summary) {}
