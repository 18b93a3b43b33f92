package org.meltharness.data;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.meltharness.HarnessException;

/** MMLU's headerless CSV (question, A, B, C, D, answer letter) in cais/mmlu's HF schema. */
final class MmluReader implements DocReader {
    @Override
    public List<Map<String, Object>> read(List<Path> files, String config) {
        Path file = files.getFirst();
        List<Map<String, Object>> out = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (CSVRecord rec : CSVFormat.RFC4180.parse(r)) {
                long line = rec.getParser().getCurrentLineNumber();
                if (rec.size() != 6) throw HarnessException.badData(file + ":" + line + ": expected 6 columns, found " + rec.size());
                int answer = "ABCD".indexOf(rec.get(5).strip());
                if (answer < 0 || rec.get(5).strip().length() != 1) {
                    throw HarnessException.badData(file + ":" + line + ": answer must be A, B, C or D, not '" + rec.get(5) + "'");
                }
                out.add(JsonLines.map("question", rec.get(0), "subject", config,
                        "choices", List.of(rec.get(1), rec.get(2), rec.get(3), rec.get(4)), "answer", answer));
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            throw HarnessException.badData(file + ": not valid CSV: " + e.getMessage());
        }
        return out;
    }
}
