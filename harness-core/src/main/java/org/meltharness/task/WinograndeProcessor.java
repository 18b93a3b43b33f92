package org.meltharness.task;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * lm-eval's {@code winogrande/preprocess_winogrande.py} as fields: {@code gold_index} (its
 * {@code doc_to_text}), {@code contexts} (each option filling the blank, its {@code doc_to_choice})
 * and {@code continuation} (the text after the blank, its {@code doc_to_target}).
 */
final class WinograndeProcessor implements DocProcessor {
    @Override
    public Map<String, Object> process(Map<String, Object> doc) {
        String sentence = String.valueOf(doc.get("sentence"));
        int blank = sentence.indexOf('_');
        if (blank < 0) throw new IllegalArgumentException("winogrande sentence has no '_': " + sentence);
        String answer = String.valueOf(doc.get("answer"));
        int gold = switch (answer) {
            case "1" -> 0;
            case "2" -> 1;
            default -> throw new IllegalArgumentException("winogrande answer must be \"1\" or \"2\", not " + answer);
        };
        Map<String, Object> out = new LinkedHashMap<>(doc);
        String prefix = sentence.substring(0, blank);
        out.put("gold_index", gold);
        out.put("contexts", List.of(prefix + doc.get("option1"), prefix + doc.get("option2")));
        out.put("continuation", PyStr.strip(sentence.substring(blank + 1)));
        return out;
    }
}
