package org.meltharness.data;

import java.util.List;
import java.util.Map;

/** The documents of one split, in file order, with where they came from. */
public record SplitData(
        String dataset, String config, String split, List<Map<String, Object>> docs, DataProvenance provenance) {
    public SplitData {
        docs = List.copyOf(docs);
    }
}
