package org.meltharness.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.meltharness.HarnessException;

/**
 * llama.cpp's HellaSwag text format (six lines per item: {@code activity_label: ctx}, the gold
 * label, four endings), optionally bzip2-compressed. The ctx_a/ctx_b split is lost in this
 * format, so the whole context becomes ctx_a and ctx_b is empty; {@code ind} is the item's index,
 * {@code source_id} the placeholder "derived" and {@code split_type} empty, since none survive.
 */
final class HellaswagTextReader implements DocReader {
    @Override
    public List<Map<String, Object>> read(List<Path> files, String config) {
        Path file = files.getFirst();
        List<String> lines;
        if (file.toString().endsWith(".bz2")) {
            try (var in = new BZip2CompressorInputStream(Files.newInputStream(file), true)) {
                lines = new ArrayList<>(TextFiles.lines(file, in));
            } catch (IOException e) {
                throw HarnessException.badData(file + ": not a readable bzip2 file: " + e.getMessage());
            }
        } else {
            lines = new ArrayList<>(TextFiles.lines(file));
        }
        while (!lines.isEmpty() && lines.getLast().isEmpty()) lines.removeLast();
        if (lines.size() % 6 != 0) {
            throw HarnessException.badData(file + ":" + lines.size() + ": " + lines.size() + " lines is not a multiple of 6");
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i += 6) {
            String head = lines.get(i);
            int colon = head.indexOf(": ");
            if (colon < 0) throw HarnessException.badData(file + ":" + (i + 1) + ": expected 'activity_label: context'");
            String label = lines.get(i + 1).strip();
            if (!label.matches("[0-3]")) throw HarnessException.badData(file + ":" + (i + 2) + ": label must be 0..3, not '" + label + "'");
            String ctx = head.substring(colon + 2);
            out.add(JsonLines.map("ind", i / 6, "activity_label", head.substring(0, colon), "ctx_a", ctx, "ctx_b", "",
                    "ctx", ctx, "endings", List.copyOf(lines.subList(i + 2, i + 6)), "source_id", "derived",
                    "split", "val", "split_type", "", "label", label));
        }
        return out;
    }
}
