package org.meltharness.data;

import java.util.List;

/**
 * How a split was read: the reader, the files and their hashes.
 *
 * @param note why this source differs from the canonical one (a lossy copy), or null
 */
public record DataProvenance(String format, List<DataFile> files, String note) {
    public DataProvenance {
        files = List.copyOf(files);
    }
}
