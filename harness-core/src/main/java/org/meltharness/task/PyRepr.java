package org.meltharness.task;

import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/** Values printed the way Python's {@code str()} and {@code repr()} print them, for templates. */
final class PyRepr {
    private PyRepr() {}

    static String str(Object v) {
        return v instanceof String s ? s : repr(v);
    }

    static String repr(Object v) {
        return switch (v) {
            case null -> "None";
            case String s -> "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
            case Boolean b -> b ? "True" : "False";
            case List<?> list -> {
                StringJoiner j = new StringJoiner(", ", "[", "]");
                for (Object o : list) j.add(repr(o));
                yield j.toString();
            }
            case Map<?, ?> map -> {
                StringJoiner j = new StringJoiner(", ", "{", "}");
                map.forEach((k, val) -> j.add(repr(k) + ": " + repr(val)));
                yield j.toString();
            }
            default -> String.valueOf(v);
        };
    }

    static String typeName(Object v) {
        return switch (v) {
            case null -> "NoneType";
            case String s -> "str";
            case List<?> l -> "list";
            case Map<?, ?> m -> "dict";
            case Integer i -> "int";
            case Long l -> "int";
            default -> v.getClass().getSimpleName();
        };
    }
}
