package org.meltharness.devices;

import java.util.List;
import java.util.stream.Collectors;

/** POSIX shell quoting: every remote command is a string, so each word is quoted once, here. */
final class Shell {
    private Shell() {}

    static String quote(String word) {
        if (word.matches("[A-Za-z0-9_./=:,+@%-]+")) return word;
        return "'" + word.replace("'", "'\\''") + "'";
    }

    static String join(List<String> words) {
        return words.stream().map(Shell::quote).collect(Collectors.joining(" "));
    }
}
