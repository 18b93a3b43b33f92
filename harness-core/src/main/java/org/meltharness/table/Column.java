package org.meltharness.table;

import java.util.function.Function;

/**
 * One column of a table of {@code R} rows: its header, alignment and how a row's cell reads. A row
 * type says its columns once; every format draws from them.
 */
public record Column<R>(String header, Table.Align align, Function<R, Object> value) {

    public static <R> Column<R> left(String header, Function<R, Object> value) {
        return new Column<>(header, Table.Align.LEFT, value);
    }

    public static <R> Column<R> right(String header, Function<R, Object> value) {
        return new Column<>(header, Table.Align.RIGHT, value);
    }

    /** The cell of {@code row}: its value as text, empty for none. */
    public String cell(R row) {
        Object v = value.apply(row);
        return v == null ? "" : v.toString();
    }
}
