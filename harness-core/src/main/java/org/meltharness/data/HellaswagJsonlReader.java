package org.meltharness.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** HellaSwag's original JSONL in Rowan/hellaswag's HF schema (the label as a string, as HF has it). */
final class HellaswagJsonlReader implements DocReader {
    @Override
    public List<Map<String, Object>> read(List<Path> files, String config) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (JsonLines.Located l : JsonLines.read(files.getFirst())) {
            Object endings = l.require("endings");
            if (!(endings instanceof List<?> e) || e.size() != 4 || !e.stream().allMatch(x -> x instanceof String)) {
                throw l.error("'endings' must be a list of 4 strings");
            }
            if (!(l.require("ind") instanceof Integer)) throw l.error("'ind' is not an integer");
            Object label = l.require("label");
            String lab = String.valueOf(label);
            if (!lab.matches("[0-3]")) throw l.error("label must be 0..3, not " + label);
            out.add(JsonLines.map("ind", l.require("ind"), "activity_label", l.string("activity_label"),
                    "ctx_a", l.string("ctx_a"), "ctx_b", l.string("ctx_b"), "ctx", l.string("ctx"), "endings", endings,
                    "source_id", l.json().get("source_id"), "split", l.json().get("split"),
                    "split_type", l.json().get("split_type"), "label", lab));
        }
        return out;
    }
}
