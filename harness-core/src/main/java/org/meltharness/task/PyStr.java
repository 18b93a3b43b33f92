package org.meltharness.task;

/**
 * Python's {@code str} semantics where lm-evaluation-harness relies on them and Java differs:
 * {@code isspace}, {@code strip}, {@code capitalize} and {@code len} (code points, not UTF-16 units).
 */
public final class PyStr {
    private PyStr() {}

    /** Python's {@code str.isspace} for one code point (CPython's {@code _PyUnicode_IsWhitespace}). */
    public static boolean isSpace(int cp) {
        return switch (cp) {
            case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x85, 0xA0, 0x1680, 0x2028, 0x2029,
                    0x202F, 0x205F, 0x3000 -> true;
            default -> cp >= 0x2000 && cp <= 0x200A;
        };
    }

    public static String strip(String s) {
        return rstrip(lstrip(s));
    }

    public static String lstrip(String s) {
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            if (!isSpace(cp)) break;
            i += Character.charCount(cp);
        }
        return s.substring(i);
    }

    public static String rstrip(String s) {
        int end = s.length();
        while (end > 0) {
            int cp = s.codePointBefore(end);
            if (!isSpace(cp)) break;
            end -= Character.charCount(cp);
        }
        return s.substring(0, end);
    }

    /** Python's {@code str.capitalize}: the first character title-cased, all others lower-cased. */
    public static String capitalize(String s) {
        if (s.isEmpty()) return s;
        int first = s.codePointAt(0);
        String head = new String(Character.toChars(Character.toTitleCase(first)));
        return head + s.substring(Character.charCount(first)).toLowerCase(java.util.Locale.ROOT);
    }

    /** Python's {@code len}: the number of code points. */
    public static int len(String s) {
        return s.codePointCount(0, s.length());
    }

    /**
     * Python's {@code str.isdigit} as lm-eval's target conversion uses it, for Unicode decimal
     * digits (Python also counts superscripts such as '²', which no task's targets hold).
     */
    public static boolean isDigits(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) return false;
        }
        return true;
    }
}
