package org.meltharness.results;

import org.meltharness.io.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.meltharness.HarnessException;

/**
 * A JSON-lines file of records (a task's {@code samples-<task>.jsonl}): one line per finished
 * document, appended and flushed as it finishes, so a run killed at any point loses at most the
 * line being written.
 *
 * <p>Each record goes out in one {@code write} on a file opened for appending, so that two writers
 * of one file (which the run lock should prevent, but a lock can be missing or broken) put whole
 * lines after one another instead of interleaving their pieces. Nothing ever shortens the file:
 * a line without its newline may be a killed run's or another process's being written, and only
 * appending is safe against the second.
 *
 * <p>Reading streams the file (a top-k file of a full HellaSwag run is a gigabyte). A complete line
 * that is not a record (a torn line later closed, a disk error) is set aside in
 * {@code <file>.bad} with a warning and left out, up to {@value #MAX_BAD_LINES} of them; more mean
 * the file is not such a log at all, and that is an error.
 */
public final class JsonlLog<T> implements AutoCloseable {
    /** Beyond this many bad lines a file is refused rather than read around. */
    static final int MAX_BAD_LINES = 10;

    private final Path file;
    private final FileChannel out;

    private JsonlLog(Path file, FileChannel out) {
        this.file = file;
        this.out = out;
    }

    /**
     * Opens the log for appending. A last line without its newline (a killed run's) is closed with
     * one, so that the next record starts a line of its own; the torn line is then set aside when the
     * log is read. It is not cut off: it may be another process's line in flight, and cutting would
     * tear that one.
     */
    public static <T> JsonlLog<T> open(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            try {
                if (endsTorn(file)) writeWhole(ch, ByteBuffer.wrap(new byte[] {'\n'}));
            } catch (IOException e) {
                ch.close();
                throw e;
            }
            return new JsonlLog<>(file, ch);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file, e);
        }
    }

    /** Whether the file's last byte is not a newline: one byte read at the end, so a gigabyte top-k file costs nothing. */
    private static boolean endsTorn(Path file) throws IOException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = in.size();
            ByteBuffer last = ByteBuffer.allocate(1);
            return size > 0 && in.read(last, size - 1) == 1 && last.get(0) != '\n';
        }
    }

    /** Appends one record as one line, in one write. */
    public void append(T record) {
        byte[] line = (Json.line(record) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            writeWhole(out, ByteBuffer.wrap(line));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file, e);
        }
    }

    /**
     * A file channel writes a heap buffer with a single write(2) of all of it; only a short write
     * (disk full, a signal) takes a second call, which is as good as a regular file allows.
     */
    private static void writeWhole(FileChannel ch, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) ch.write(bytes);
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + file, e);
        }
    }

    /** The complete records of a log, bad lines set aside with a warning on stderr; see {@link #forEach}. */
    public static <T> List<T> read(Path file, Class<T> type) {
        return read(file, type, JsonlLog::warnOnStderr);
    }

    /** The complete records of a log; see {@link #forEach}. */
    public static <T> List<T> read(Path file, Class<T> type, Consumer<String> warnings) {
        List<T> records = new ArrayList<>();
        forEach(file, type, warnings, records::add);
        return records;
    }

    /**
     * Streams the complete records of a log to {@code each}, in order, holding one line at a time.
     * A last line without newline (torn, or being written) is left out; a complete line that is not
     * a record is set aside in {@code <file>.bad} and named in one warning (once: a line already set
     * aside is left out silently); more than {@value #MAX_BAD_LINES} bad lines are an error naming
     * the first.
     */
    public static <T> void forEach(Path file, Class<T> type, Consumer<String> warnings, Consumer<? super T> each) {
        if (!Files.exists(file)) return;
        List<BadLine> bad = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            LineBuffer line = new LineBuffer(in);
            long number = 0;
            while (line.next()) {
                number++;
                if (line.isBlank()) continue;
                String why;
                try {
                    T record = Json.read(line.bytes(), line.length(), type);
                    if (record != null) {
                        each.accept(record);
                        continue;
                    }
                    why = "null";
                } catch (IOException e) {
                    // A record's own check (a constructor's IllegalArgumentException) says best what is wrong.
                    Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : null;
                    why = cause != null ? cause.getMessage() : e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                            ? j.getOriginalMessage() : e.getMessage();
                }
                bad.add(new BadLine(number, Arrays.copyOf(line.bytes(), line.length()),
                        file + ":" + number + ": not a " + type.getSimpleName() + " line: " + why));
                if (bad.size() > MAX_BAD_LINES) {
                    throw HarnessException.badData(bad.getFirst().message() + " (and at least " + (bad.size() - 1)
                            + " more bad lines: not a log of " + type.getSimpleName() + " records)");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (!bad.isEmpty()) quarantine(file, bad, warnings);
    }

    private record BadLine(long number, byte[] bytes, String message) {}

    /** Appends the bad lines not yet in {@code <file>.bad} there, one warning each. */
    private static void quarantine(Path file, List<BadLine> bad, Consumer<String> warnings) {
        Path aside = file.resolveSibling(file.getFileName() + ".bad");
        List<BadLine> fresh = new ArrayList<>(bad);
        if (Files.exists(aside)) {
            try (InputStream in = Files.newInputStream(aside)) {
                LineBuffer line = new LineBuffer(in);
                while (!fresh.isEmpty() && line.next()) {
                    fresh.removeIf(b -> Arrays.equals(b.bytes(), 0, b.bytes().length, line.bytes(), 0, line.length()));
                }
            } catch (IOException e) {
                // Unreadable: the lines are set aside (again) below.
            }
        }
        for (BadLine b : fresh) {
            String where;
            try (FileChannel ch = FileChannel.open(aside, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                byte[] withNewline = Arrays.copyOf(b.bytes(), b.bytes().length + 1);
                withNewline[b.bytes().length] = '\n';
                writeWhole(ch, ByteBuffer.wrap(withNewline));
                where = "set aside in " + aside.getFileName();
            } catch (IOException e) {
                where = "cannot set it aside in " + aside + ": " + e.getMessage();
            }
            warnings.accept(b.message() + "; left out (" + where + ")");
        }
    }

    private static void warnOnStderr(String message) {
        System.err.println("harness: warning: " + message);
    }

    /**
     * The bytes of one line at a time, newline excluded, read in 64 KiB blocks. Hand-written because
     * a reader of chars would decode every byte twice and hide whether the last line ended with a
     * newline, which decides whether it counts.
     */
    private static final class LineBuffer {
        private final InputStream in;
        private final byte[] block = new byte[1 << 16];
        private int at;
        private int end;
        private byte[] line = new byte[8192];
        private int length;

        LineBuffer(InputStream in) {
            this.in = in;
        }

        /** Reads the next complete line; false at the end (a last line without newline is dropped). */
        boolean next() throws IOException {
            length = 0;
            while (true) {
                if (at == end) {
                    end = in.read(block);
                    at = 0;
                    if (end <= 0) {
                        end = 0;
                        return false;
                    }
                }
                int nl = at;
                while (nl < end && block[nl] != '\n') nl++;
                int n = nl - at;
                if (length + n > line.length) line = Arrays.copyOf(line, Math.max(line.length * 2, length + n));
                System.arraycopy(block, at, line, length, n);
                length += n;
                at = nl;
                if (nl < end) {
                    at++; // past the newline
                    return true;
                }
            }
        }

        byte[] bytes() {
            return line;
        }

        int length() {
            return length;
        }

        boolean isBlank() {
            for (int i = 0; i < length; i++) if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r') return false;
            return true;
        }
    }
}
