package org.meltharness.table;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A table as text cells, ready for any {@link TableFormat}: what every command prints and writes.
 *
 * @param caption the table's title (a Markdown heading, a LaTeX caption), or null for none
 * @param notes lines printed under the table (sources, what a dash means)
 * @param align each column's alignment in Markdown and LaTeX (numbers read best right-aligned)
 */
public record Table(String name, String caption, List<String> header, List<List<String>> rows, List<String> notes, List<Align> align) {

    /** Where a column's cells sit. */
    public enum Align { LEFT, RIGHT }

    public Table {
        header = List.copyOf(header);
        rows = rows.stream().map(List::copyOf).toList();
        notes = List.copyOf(notes);
        align = align == null ? Collections.nCopies(header.size(), Align.LEFT) : List.copyOf(align);
        if (align.size() != header.size()) throw new IllegalArgumentException(align.size() + " alignments for " + header.size() + " columns");
        for (List<String> r : rows) {
            if (r.size() != header.size()) throw new IllegalArgumentException("row of " + r.size() + " cells under " + header.size() + " columns");
        }
    }

    /** A table of left-aligned columns. */
    public Table(String name, String caption, List<String> header, List<List<String>> rows, List<String> notes) {
        this(name, caption, header, rows, notes, null);
    }

    /** The table of {@code rows}, one line each, cut into cells by {@code columns}. */
    public static <R> Table of(String name, String caption, List<Column<R>> columns, List<R> rows, List<String> notes) {
        List<List<String>> body = new ArrayList<>();
        for (R r : rows) body.add(columns.stream().map(c -> c.cell(r)).toList());
        return new Table(name, caption, columns.stream().map(Column::header).toList(), body, notes,
                columns.stream().map(Column::align).toList());
    }
}
