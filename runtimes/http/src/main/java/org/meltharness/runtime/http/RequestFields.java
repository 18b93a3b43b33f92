package org.meltharness.runtime.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which fields of OpenAI's completion and chat requests {@code serve} takes. A field it computes
 * with is read by {@link CompletionRequest}; a field that would change the answer in a way it does
 * not implement (nucleus sampling, penalties, tools, JSON mode, ...) is one 400 naming the field,
 * so that a client never gets an answer computed without it; such a field at its no-op value (the
 * value OpenAI's own default means) is accepted, as is bookkeeping that changes nothing here
 * ({@code user}, {@code metadata}). Any other field is refused as OpenAI refuses it.
 */
final class RequestFields {
    private RequestFields() {}

    private static final Set<String> COMPLETION = Set.of("model", "prompt", "max_tokens", "temperature", "seed", "stop",
            "stream", "stream_options", "echo", "logprobs", "n", "best_of", "ignore_eos", "melt_continuation_from");

    private static final Set<String> CHAT = Set.of("model", "messages", "max_tokens", "max_completion_tokens",
            "temperature", "seed", "stop", "stream", "stream_options", "n", "ignore_eos", "logprobs");

    /** Fields accepted only at the value that means "off"; any other value is refused. */
    private static final Map<String, Predicate<JsonNode>> NO_OP = Map.ofEntries(
            Map.entry("top_p", v -> v.isNumber() && v.asDouble() == 1.0),
            Map.entry("frequency_penalty", v -> v.isNumber() && v.asDouble() == 0.0),
            Map.entry("presence_penalty", v -> v.isNumber() && v.asDouble() == 0.0),
            Map.entry("logit_bias", v -> v.isObject() && v.isEmpty()),
            Map.entry("suffix", v -> v.isTextual() && v.asText().isEmpty()),
            Map.entry("top_logprobs", v -> v.isIntegralNumber() && v.asInt() == 0),
            Map.entry("response_format", v -> v.isObject() && "text".equals(v.path("type").asText())),
            Map.entry("tools", v -> v.isArray() && v.isEmpty()),
            Map.entry("functions", v -> v.isArray() && v.isEmpty()),
            Map.entry("tool_choice", v -> v.isTextual() && v.asText().equals("none")),
            Map.entry("function_call", v -> v.isTextual() && v.asText().equals("none")),
            Map.entry("modalities", v -> v.isArray() && v.size() == 1 && "text".equals(v.get(0).asText())),
            Map.entry("store", v -> v.isBoolean() && !v.asBoolean()),
            // Bookkeeping: tags for the caller's own records, nothing to compute with.
            Map.entry("user", JsonNode::isTextual),
            Map.entry("metadata", JsonNode::isObject),
            Map.entry("safety_identifier", JsonNode::isTextual),
            Map.entry("prompt_cache_key", JsonNode::isTextual),
            Map.entry("service_tier", v -> v.isTextual() && Set.of("auto", "default").contains(v.asText())),
            Map.entry("parallel_tool_calls", JsonNode::isBoolean));

    /** Refuses the first field of {@code body} that this server would not honour. */
    static void check(JsonNode body, boolean chat) {
        Set<String> taken = chat ? CHAT : COMPLETION;
        for (var e : body.properties()) {
            String field = e.getKey();
            JsonNode v = e.getValue();
            if (taken.contains(field) || v.isNull()) continue;
            Predicate<JsonNode> noOp = NO_OP.get(field);
            if (noOp == null) {
                throw ApiError.badRequest(field, "unsupported field '" + field + "': this server does not offer it"
                        + (chat ? " on /v1/chat/completions" : " on /v1/completions"));
            }
            if (!noOp.test(v)) {
                throw ApiError.badRequest(field, "unsupported value of '" + field + "': this server only accepts it "
                        + "at the value that changes nothing (" + v + " asked)");
            }
        }
    }
}
