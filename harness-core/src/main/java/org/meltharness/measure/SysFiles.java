package org.meltharness.measure;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading sysfs and procfs files: the one place their formats and errors are turned into values and reasons. */
final class SysFiles {
    /** How a file's text is read; tests substitute one that fails, since root (CI) ignores file modes. */
    @FunctionalInterface
    interface Reader {
        String read(Path file) throws IOException;
    }

    static final Reader DEFAULT = Files::readString;

    private static final Pattern NUMBER = Pattern.compile("\\d+");

    private SysFiles() {}

    static String text(Reader reader, Path file) throws IOException {
        return reader.read(file).strip();
    }

    static long number(Reader reader, Path file) throws IOException {
        String s = text(reader, file);
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IOException(file + ": not a number: '" + s + "'");
        }
    }

    /** The entries of {@code dir} whose names match, in natural order (zone2 before zone10); none when dir is absent. */
    static List<Path> list(Path dir, String nameRegex) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) return out;
        Pattern p = Pattern.compile(nameRegex);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path e : entries) {
                if (p.matcher(e.getFileName().toString()).matches()) out.add(e);
            }
        } catch (IOException e) {
            return out;
        }
        out.sort(NATURAL);
        return out;
    }

    static final Comparator<Path> NATURAL = (x, y) -> compareNatural(x.getFileName().toString(), y.getFileName().toString());

    private static int compareNatural(String a, String b) {
        Matcher ma = NUMBER.matcher(a);
        Matcher mb = NUMBER.matcher(b);
        int ia = 0;
        int ib = 0;
        while (ma.find(ia) && mb.find(ib)) {
            int c = a.substring(ia, ma.start()).compareTo(b.substring(ib, mb.start()));
            if (c != 0) return c;
            c = Long.compare(Long.parseLong(ma.group()), Long.parseLong(mb.group()));
            if (c != 0) return c;
            ia = ma.end();
            ib = mb.end();
        }
        return a.substring(ia).compareTo(b.substring(ib));
    }

    /** A short reason for a failed read: what happened and to which file. */
    static String reason(IOException e, Path file) {
        if (e instanceof AccessDeniedException) return "permission denied reading " + file;
        if (e instanceof NoSuchFileException) return file + " disappeared";
        String m = e.getMessage();
        if (m == null || m.isBlank()) m = e.getClass().getSimpleName();
        return m.contains(file.toString()) ? m : file + ": " + m;
    }
}
