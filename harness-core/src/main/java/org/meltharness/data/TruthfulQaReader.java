package org.meltharness.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.meltharness.HarnessException;

/**
 * TruthfulQA's {@code mc_task.json} in truthful_qa's multiple_choice HF schema. The answers are
 * the keys of each targets object in file order, which decides mc1's gold (always the first), so
 * the objects are read into insertion-ordered maps and a repeated key is refused.
 */
final class TruthfulQaReader implements DocReader {
    // One question at a time out of the array: what follows it is the rest of the array, not junk.
    private static final ObjectReader ITEM = JsonLines.JSON.readerFor(Map.class)
            .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @Override
    public List<Map<String, Object>> read(List<Path> files, String config) {
        Path file = files.getFirst();
        List<Map<String, Object>> out = new ArrayList<>();
        // Streamed item by item so that an error can name the line its question starts on.
        try (JsonParser p = JsonLines.JSON.createParser(file.toFile())) {
            if (p.nextToken() != JsonToken.START_ARRAY) throw JsonLines.bad(file, line(p), "expected a JSON array of questions");
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                int line = line(p);
                if (t != JsonToken.START_OBJECT) throw JsonLines.bad(file, line, "question " + out.size() + " is not an object");
                Map<String, Object> q = ITEM.readValue(p);
                out.add(question(q, file, line));
            }
            if (p.nextToken() != null) throw JsonLines.bad(file, line(p), "content after the array of questions");
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw JsonLines.bad(file, line, "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw HarnessException.badData(file + ": cannot read: " + e.getMessage());
        }
        return out;
    }

    private static int line(JsonParser p) {
        return p.currentTokenLocation().getLineNr();
    }

    private static Map<String, Object> question(Map<String, Object> q, Path file, int line) {
        if (!(q.get("question") instanceof String question)) throw JsonLines.bad(file, line, "missing key 'question'");
        return JsonLines.map("question", question, "mc1_targets", targets(q, "mc1_targets", file, line),
                "mc2_targets", targets(q, "mc2_targets", file, line));
    }

    private static Map<String, Object> targets(Map<String, Object> q, String key, Path file, int line) {
        if (!q.containsKey(key)) throw JsonLines.bad(file, line, "missing key '" + key + "'");
        if (!(q.get(key) instanceof Map<?, ?> m) || m.isEmpty()) {
            throw JsonLines.bad(file, line, "'" + key + "' must be a non-empty object of answer: 0|1");
        }
        List<String> choices = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (var e : m.entrySet()) {
            if (!(e.getValue() instanceof Integer v) || (v != 0 && v != 1)) {
                throw JsonLines.bad(file, line, key + " label of '" + e.getKey() + "' must be 0 or 1, not " + e.getValue());
            }
            choices.add((String) e.getKey());
            labels.add(v);
        }
        return JsonLines.map("choices", choices, "labels", labels);
    }
}
