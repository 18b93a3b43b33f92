package org.meltharness.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.meltharness.HarnessException;

/**
 * Conversations to benchmark generation with: each a list of user turns, sent in order with the
 * chat history. {@code melt} is MELT's set (50 conversations from OpenAssistant),
 * {@code melt-sustained} its 48-turn conversation for sustained runs; a path reads the same JSON
 * layout from a file.
 */
public final class PromptSets {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PromptSets() {}

    public static List<List<String>> load(String name) {
        return switch (name) {
            case "melt" -> resource("/prompts/melt/conversations.json");
            case "melt-sustained" -> resource("/prompts/melt/input_sustained.json");
            default -> file(Path.of(name));
        };
    }

    private static List<List<String>> resource(String path) {
        try (InputStream in = PromptSets.class.getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("the harness was built without " + path);
            return validate(JSON.readValue(in, new TypeReference<List<List<String>>>() {}), path);
        } catch (IOException e) {
            throw HarnessException.badData(path + ": " + e.getMessage());
        }
    }

    private static List<List<String>> file(Path f) {
        if (!Files.isRegularFile(f)) {
            throw HarnessException.usage("unknown prompt set '" + f + "': use melt, melt-sustained or a JSON file of conversations");
        }
        try {
            return validate(JSON.readValue(f.toFile(), new TypeReference<List<List<String>>>() {}), f.toString());
        } catch (IOException e) {
            throw HarnessException.badData(f + ": not a JSON list of conversations (lists of user turns): "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
    }

    private static List<List<String>> validate(List<List<String>> conversations, String where) {
        if (conversations.isEmpty() || conversations.stream().anyMatch(c -> c == null || c.isEmpty())) {
            throw HarnessException.badData(where + ": every conversation needs at least one turn");
        }
        return conversations;
    }
}
