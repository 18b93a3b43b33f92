package org.meltharness.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.meltharness.HarnessException;

/**
 * TruthfulQA's {@code mc_task.json} in truthful_qa's multiple_choice HF schema. The answers are
 * the keys of each targets object in file order, which decides mc1's gold (always the first).
 */
final class TruthfulQaReader implements DocReader {
    @Override
    public List<Map<String, Object>> read(List<Path> files, String config) {
        Path file = files.getFirst();
        Object root;
        try {
            root = JsonLines.JSON.readValue(Files.readString(file), Object.class);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw HarnessException.badData(file + ":" + line + ": not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (!(root instanceof List<?> items)) throw HarnessException.badData(file + ": expected a JSON array of questions");
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            if (!(items.get(i) instanceof Map<?, ?> q) || !(q.get("question") instanceof String question)) {
                throw HarnessException.badData(file + ": item " + i + " has no question");
            }
            out.add(JsonLines.map("question", question, "mc1_targets", targets(q.get("mc1_targets"), file, i, "mc1_targets"),
                    "mc2_targets", targets(q.get("mc2_targets"), file, i, "mc2_targets")));
        }
        return out;
    }

    private static Map<String, Object> targets(Object node, Path file, int item, String key) {
        if (!(node instanceof Map<?, ?> m) || m.isEmpty()) {
            throw HarnessException.badData(file + ": item " + item + ": '" + key + "' must be a non-empty object");
        }
        List<String> choices = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (var e : m.entrySet()) {
            if (!(e.getValue() instanceof Integer v) || (v != 0 && v != 1)) {
                throw HarnessException.badData(file + ": item " + item + ": " + key + " label of '" + e.getKey() + "' must be 0 or 1");
            }
            choices.add((String) e.getKey());
            labels.add(v);
        }
        return JsonLines.map("choices", choices, "labels", labels);
    }
}
