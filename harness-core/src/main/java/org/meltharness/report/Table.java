package org.meltharness.report;

import java.util.List;

/**
 * A table as text cells, ready for any format.
 *
 * @param notes lines printed under the table (sources, what a dash means)
 */
public record Table(String name, String caption, List<String> header, List<List<String>> rows, List<String> notes) {
    public Table {
        header = List.copyOf(header);
        rows = rows.stream().map(List::copyOf).toList();
        notes = List.copyOf(notes);
        for (List<String> r : rows) {
            if (r.size() != header.size()) throw new IllegalArgumentException("row of " + r.size() + " cells under " + header.size() + " columns");
        }
    }
}
