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
            case String s -> stringRepr(s);
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

    /** CPython's quoting: single quotes unless the text holds ' and no ", control characters escaped. */
    private static String stringRepr(String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder b = new StringBuilder(s.length() + 2).append(quote);
        s.codePoints().forEach(c -> {
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c == quote) b.append('\\').append((char) c);
                    else if (c < 0x20 || c == 0x7f) b.append(String.format("\\x%02x", c));
                    else b.appendCodePoint(c);
                }
            }
        });
        return b.append(quote).toString();
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
