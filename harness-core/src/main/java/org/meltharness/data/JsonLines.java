package org.meltharness.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.meltharness.HarnessException;

/** JSON reading for the readers: key order kept, duplicate keys refused, errors naming file and line. */
final class JsonLines {
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private JsonLines() {}

    /** One JSON object per non-blank line. */
    static List<Located> read(Path file) {
        List<Located> out = new ArrayList<>();
        List<String> lines = TextFiles.lines(file);
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).isBlank()) out.add(new Located(file, i + 1, object(lines.get(i), file, i + 1)));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(String json, Path file, int line) {
        try {
            Object v = JSON.readValue(json, Object.class);
            if (!(v instanceof Map<?, ?>)) throw bad(file, line, "not a JSON object");
            return (Map<String, Object>) v;
        } catch (JsonProcessingException e) {
            throw bad(file, line, "not valid JSON: " + e.getOriginalMessage());
        }
    }

    static HarnessException bad(Path file, int line, String what) {
        return HarnessException.badData(file + ":" + line + ": " + what);
    }

    /** A parsed object with where it was read, for error messages. */
    record Located(Path file, int line, Map<String, Object> json) {
        String string(String key) {
            Object v = json.get(key);
            if (!(v instanceof String s)) throw bad(file, line, v == null ? "missing key '" + key + "'" : "'" + key + "' is not a string");
            return s;
        }

        Object require(String key) {
            if (!json.containsKey(key)) throw bad(file, line, "missing key '" + key + "'");
            return json.get(key);
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> object(String key) {
            Object v = require(key);
            if (!(v instanceof Map<?, ?>)) throw bad(file, line, "'" + key + "' is not an object");
            return (Map<String, Object>) v;
        }

        HarnessException error(String what) {
            return bad(file, line, what);
        }
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }
}
