package org.meltharness.results;

import org.meltharness.io.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.meltharness.HarnessException;

/**
 * A JSON-lines file of records (a task's {@code samples-<task>.jsonl}): one line per finished
 * document, appended and flushed as it finishes, so a run killed at any point loses at most the
 * line being written.
 */
public final class JsonlLog<T> implements AutoCloseable {
    private final Path file;
    private final BufferedWriter out;

    private JsonlLog(Path file, BufferedWriter out) {
        this.file = file;
        this.out = out;
    }

    /**
     * Opens the log for appending, first cutting off a torn last line left by a killed run.
     */
    public static <T> JsonlLog<T> open(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            truncateTornTail(file);
            BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            return new JsonlLog<>(file, w);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file, e);
        }
    }

    public void append(T record) {
        try {
            out.write(Json.line(record));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file, e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + file, e);
        }
    }

    /** The complete records of a log; a torn last line (no newline) is ignored, any other bad line is an error. */
    public static <T> List<T> read(Path file, Class<T> type) {
        List<T> records = new ArrayList<>();
        if (!Files.exists(file)) return records;
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            String[] lines = text.split("\n", -1);
            // The element after the last '\n' is "" for a complete file, or a torn line.
            for (int i = 0; i < lines.length - 1; i++) {
                if (lines[i].isBlank()) continue;
                try {
                    records.add(Json.read(lines[i], type));
                } catch (JsonProcessingException e) {
                    // A record's own check (a constructor's IllegalArgumentException) says best what is wrong.
                    Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : null;
                    throw HarnessException.badData(file + ":" + (i + 1) + ": not a " + type.getSimpleName() + " line: "
                            + (cause != null ? cause.getMessage() : e.getOriginalMessage()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return records;
    }

    private static void truncateTornTail(Path file) throws IOException {
        if (!Files.exists(file)) return;
        byte[] bytes = Files.readAllBytes(file);
        int keep = bytes.length;
        while (keep > 0 && bytes[keep - 1] != '\n') keep--;
        if (keep != bytes.length) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(keep);
            }
        }
    }
}
