package org.meltharness.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** ARC's original JSONL ({@code question.stem}, {@code question.choices}) in ai2_arc's HF schema. */
final class ArcReader implements DocReader {
    @Override
    public List<Map<String, Object>> read(List<Path> files, String config) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (JsonLines.Located l : JsonLines.read(files.getFirst())) {
            Map<String, Object> q = l.object("question");
            Object choices = q.get("choices");
            if (!(q.get("stem") instanceof String stem)) throw l.error("missing question.stem");
            if (!(choices instanceof List<?> list) || list.isEmpty()) throw l.error("missing question.choices");
            List<String> texts = new ArrayList<>();
            List<String> labels = new ArrayList<>();
            for (Object c : list) {
                if (!(c instanceof Map<?, ?> m) || !(m.get("text") instanceof String t) || !(m.get("label") instanceof String lab)) {
                    throw l.error("a choice lacks text or label");
                }
                texts.add(t);
                labels.add(lab);
            }
            String key = l.string("answerKey");
            if (!labels.contains(key)) throw l.error("answerKey '" + key + "' is not among the labels " + labels);
            out.add(JsonLines.map("id", l.string("id"), "question", stem, "choices",
                    JsonLines.map("text", texts, "label", labels), "answerKey", key));
        }
        return out;
    }
}
