package org.meltharness.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.meltharness.HarnessException;

/**
 * PIQA's JSONL with its separate label file in the HF schema. Items and labels pair up by line
 * number, so a blank line inside either file is an error rather than something to skip.
 */
final class PiqaReader implements DocReader {
    @Override
    public List<Map<String, Object>> read(List<Path> files, String config) {
        if (files.size() != 2) throw HarnessException.badData("piqa needs a jsonl file and its labels file");
        List<JsonLines.Located> items = JsonLines.read(files.get(0));
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i).line() != i + 1) {
                throw HarnessException.badData(files.get(0) + ":" + (i + 1) + ": blank line; items pair with "
                        + files.get(1).getFileName() + " by line");
            }
        }
        List<String> labels = new ArrayList<>(TextFiles.lines(files.get(1)));
        while (!labels.isEmpty() && labels.getLast().isBlank()) labels.removeLast();
        if (labels.size() != items.size()) {
            throw HarnessException.badData(files.get(1) + ": " + labels.size() + " labels for " + items.size()
                    + " items in " + files.get(0).getFileName());
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            JsonLines.Located l = items.get(i);
            String label = labels.get(i).strip();
            if (!label.equals("0") && !label.equals("1")) {
                throw HarnessException.badData(files.get(1) + ":" + (i + 1) + ": label must be 0 or 1, not '" + label + "'");
            }
            out.add(JsonLines.map("goal", l.string("goal"), "sol1", l.string("sol1"), "sol2", l.string("sol2"),
                    "label", Integer.parseInt(label)));
        }
        return out;
    }
}
