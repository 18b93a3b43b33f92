package org.meltharness.run.compare;

import java.nio.file.Path;
import java.util.List;

/** A comparison: its folder ({@code compare.csv}, {@code .json}, {@code .md}) and rows, the reference's first. */
public record CompareResult(Path dir, List<CompareRow> rows) {
    public CompareResult {
        rows = List.copyOf(rows);
    }
}
