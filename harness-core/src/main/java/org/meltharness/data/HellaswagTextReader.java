package org.meltharness.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
 * format, so the whole context becomes ctx_a and ctx_b is empty.
 */
final class HellaswagTextReader implements DocReader {
    @Override
    public List<Map<String, Object>> read(List<Path> files, String config) {
        Path file = files.getFirst();
        List<String> lines = new ArrayList<>();
        try (var in = Files.newInputStream(file);
                var raw = file.toString().endsWith(".bz2") ? new BZip2CompressorInputStream(in, true) : in;
                BufferedReader r = new BufferedReader(new InputStreamReader(raw, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) lines.add(line);
        } catch (IOException e) {
            throw HarnessException.badData(file + ": cannot read: " + e.getMessage());
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
