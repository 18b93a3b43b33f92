package org.meltharness.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Winogrande's JSONL in allenai/winogrande's HF schema (answer "1" or "2" as a string). */
final class WinograndeReader implements DocReader {
    @Override
    public List<Map<String, Object>> read(List<Path> files, String config) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (JsonLines.Located l : JsonLines.read(files.getFirst())) {
            String sentence = l.string("sentence");
            if (sentence.indexOf('_') < 0) throw l.error("sentence has no '_' blank");
            String answer = String.valueOf(l.require("answer"));
            if (!answer.equals("1") && !answer.equals("2")) throw l.error("answer must be \"1\" or \"2\", not " + answer);
            out.add(JsonLines.map("qID", l.json().get("qID"), "sentence", sentence, "option1", l.string("option1"),
                    "option2", l.string("option2"), "answer", answer));
        }
        return out;
    }
}
