package org.meltharness.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.meltharness.HarnessException;

/**
 * Turns a chat history into the prompt a model was trained on, with the Jinja
 * {@code chat_template} of its {@code tokenizer_config.json} (as transformers'
 * {@code apply_chat_template} does). A model without one (a base model, a test model) gets a plain
 * "User: ... Assistant:" layout, and the run records which was used.
 */
public final class ChatTemplate {
    /** Used when the model has no chat template. */
    static final String PLAIN = "{% for m in messages %}{{ ('User: ' if m.role == 'user' else 'Assistant: ') + m.content + '\\n' }}"
            + "{% endfor %}{% if add_generation_prompt %}{{ 'Assistant:' }}{% endif %}";

    private final String template;
    private final boolean own;
    private final Map<String, Object> specialTokens;
    private final Jinjava jinja = new Jinjava(JinjavaConfig.newBuilder().withTrimBlocks(true).withLstripBlocks(true).build());

    private ChatTemplate(String template, boolean own, Map<String, Object> specialTokens) {
        this.template = template;
        this.own = own;
        this.specialTokens = specialTokens;
        // transformers offers templates raise_exception(message); Llama 2's uses it on bad role order.
        jinja.getGlobalContext().registerFunction(new com.hubspot.jinjava.lib.fn.ELFunctionDefinition("", "raise_exception",
                ChatTemplate.class, "raiseException", String.class));
    }

    /** Called by templates through {@code raise_exception}. */
    public static String raiseException(String message) {
        throw HarnessException.usage("the model's chat template refused the conversation: " + message);
    }

    /** One chat message. */
    public record Message(String role, String content) {
        Map<String, Object> asMap() {
            return Map.of("role", role, "content", content);
        }
    }

    public static ChatTemplate of(Path modelDir) {
        Path config = modelDir.resolve("tokenizer_config.json");
        Map<String, Object> tokens = new HashMap<>();
        if (!Files.isRegularFile(config)) return new ChatTemplate(PLAIN, false, tokens);
        try {
            JsonNode c = new ObjectMapper().readTree(config.toFile());
            for (String t : List.of("bos_token", "eos_token", "unk_token", "pad_token")) {
                JsonNode v = c.path(t);
                if (v.isTextual()) tokens.put(t, v.asText());
                else if (v.path("content").isTextual()) tokens.put(t, v.path("content").asText());
            }
            JsonNode t = c.path("chat_template");
            if (t.isTextual()) return new ChatTemplate(t.asText(), true, tokens);
            if (t.isArray()) { // named templates: transformers takes "default"
                for (JsonNode n : t) if ("default".equals(n.path("name").asText())) return new ChatTemplate(n.path("template").asText(), true, tokens);
            }
            return new ChatTemplate(PLAIN, false, tokens);
        } catch (IOException e) {
            throw HarnessException.badData("cannot parse " + config + ": " + e.getMessage());
        }
    }

    /** Whether the model's own template is used (false: the plain fallback). */
    public boolean modelsOwn() {
        return own;
    }

    public String render(List<Message> messages, boolean addGenerationPrompt) {
        Map<String, Object> context = new HashMap<>(specialTokens);
        context.put("messages", messages.stream().map(Message::asMap).toList());
        context.put("add_generation_prompt", addGenerationPrompt);
        RenderResult r = jinja.renderForResult(template, context);
        List<TemplateError> fatal = r.getErrors().stream().filter(e -> e.getSeverity() == TemplateError.ErrorType.FATAL).toList();
        if (!fatal.isEmpty()) {
            for (Throwable t = fatal.getFirst().getException(); t != null; t = t.getCause()) {
                if (t instanceof HarnessException h) throw h; // the template's own raise_exception
            }
            throw HarnessException.unsupportedModel("the model's chat template failed: " + fatal.getFirst().getMessage());
        }
        return r.getOutput();
    }
}
