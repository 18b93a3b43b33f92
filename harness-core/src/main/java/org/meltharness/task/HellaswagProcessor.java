package org.meltharness.task;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * lm-eval's {@code hellaswag/utils.py process_docs}: the query is the activity label, ctx_a and
 * capitalised ctx_b, and every text goes through the same bracket and space clean-up.
 */
final class HellaswagProcessor implements DocProcessor {
    // UNIX_LINES: Python's '.' stops only at '\n', Java's default also at '\r' and U+0085.
    private static final Pattern BRACKETS = Pattern.compile("\\[.*?\\]", Pattern.UNIX_LINES);

    @Override
    public Map<String, Object> process(Map<String, Object> doc) {
        String ctx = doc.get("ctx_a") + " " + PyStr.capitalize(String.valueOf(doc.get("ctx_b")));
        Map<String, Object> out = new LinkedHashMap<>(doc);
        out.put("query", preprocess(doc.get("activity_label") + ": " + ctx));
        List<String> choices = new ArrayList<>();
        for (Object ending : (List<?>) doc.get("endings")) choices.add(preprocess(String.valueOf(ending)));
        out.put("choices", choices);
        out.put("gold", Integer.parseInt(String.valueOf(doc.get("label"))));
        return out;
    }

    static String preprocess(String text) {
        String t = PyStr.strip(text);
        t = t.replace(" [title]", ". ");
        t = BRACKETS.matcher(t).replaceAll("");
        return t.replace("  ", " ");
    }
}
