package org.meltharness.data;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.meltharness.HarnessException;

/**
 * MMLU's headerless CSV (question, A, B, C, D, answer letter; RFC 4180, so quoted fields may hold
 * commas and newlines) in cais/mmlu's HF schema, the subject being the manifest config.
 */
final class MmluReader implements DocReader {
    private static final String LETTERS = "ABCD";

    @Override
    public List<Map<String, Object>> read(List<Path> files, String config) {
        Path file = files.getFirst();
        List<Map<String, Object>> out = new ArrayList<>();
        long line = 1;
        try (CSVParser p = CSVFormat.RFC4180.parse(new StringReader(TextFiles.text(file)))) {
            Iterator<CSVRecord> it = p.iterator();
            while (true) {
                // A record may span lines; errors name the line it starts on.
                line = p.getCurrentLineNumber() + 1;
                if (!it.hasNext()) break;
                CSVRecord rec = it.next();
                if (rec.size() != 6) throw bad(file, line, "expected 6 columns, found " + rec.size());
                String letter = rec.get(5).strip();
                if (letter.length() != 1 || LETTERS.indexOf(letter) < 0) {
                    throw bad(file, line, "answer must be A, B, C or D, not '" + rec.get(5) + "'");
                }
                out.add(JsonLines.map("question", rec.get(0), "subject", config,
                        "choices", List.of(rec.get(1), rec.get(2), rec.get(3), rec.get(4)), "answer", LETTERS.indexOf(letter)));
            }
        } catch (UncheckedIOException e) {
            // What the parser's iterator throws on malformed quoting (the text is in memory).
            throw bad(file, line, "not valid CSV: " + e.getCause().getMessage());
        } catch (IOException e) {
            throw bad(file, line, "not valid CSV: " + e.getMessage());
        }
        return out;
    }

    private static HarnessException bad(Path file, long line, String what) {
        return HarnessException.badData(file + ":" + line + ": " + what);
    }
}
