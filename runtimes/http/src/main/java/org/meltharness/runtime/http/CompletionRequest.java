package org.meltharness.runtime.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A validated {@code /v1/completions} or {@code /v1/chat/completions} request: what the server
 * computes, with OpenAI's defaults filled in. Which other fields are accepted is
 * {@link RequestFields}' rule.
 *
 * @param prompts one or more prompts, text or token ids; each becomes one choice
 * @param maxTokensGiven whether the request named {@code max_tokens} (else the default may shrink to fit the window)
 * @param continuationFrom per prompt, the {@code melt_continuation_from} offset in Unicode code
 *     points where the scored continuation starts, or null to score the whole prompt
 * @param logprobs how many alternatives to list per token, or null for no log-probs
 * @param ignoreEos keep generating past the end-of-sequence token (vLLM's and llama-server's field)
 * @param includeUsage {@code stream_options.include_usage}: a last chunk with token counts
 * @param chat whether it came in as chat messages (the prompt was rendered by the chat template)
 */
record CompletionRequest(
        String model,
        List<Prompt> prompts,
        List<Integer> continuationFrom,
        int maxTokens,
        boolean maxTokensGiven,
        double temperature,
        long seed,
        List<String> stop,
        boolean stream,
        boolean echo,
        Integer logprobs,
        boolean ignoreEos,
        boolean includeUsage,
        boolean chat) {

    /** Most alternatives per token listed (vLLM's default limit). */
    static final int MAX_LOGPROBS = 20;

    boolean scoresPrompt() {
        return echo && logprobs != null;
    }

    static CompletionRequest completion(JsonNode body, int maxPrompts) {
        RequestFields.check(body, false);
        List<Prompt> prompts = prompts(body.get("prompt"));
        if (prompts.size() > maxPrompts) {
            throw ApiError.badRequest("prompt", "a request takes at most " + maxPrompts + " prompts on this server, not "
                    + prompts.size() + "; send them in several requests");
        }
        List<Integer> from = continuationFrom(body.get("melt_continuation_from"), prompts);
        int maxTokens = integer(body, "max_tokens", 16, 0, Integer.MAX_VALUE);
        boolean echo = bool(body, "echo", false);
        Integer logprobs = body.hasNonNull("logprobs")
                ? integer(body, "logprobs", 0, 0, MAX_LOGPROBS) : null;
        if (from != null && !echo) {
            throw ApiError.badRequest("melt_continuation_from", "'melt_continuation_from' needs 'echo': true and "
                    + "'logprobs' (it says which part of the echoed prompt to score)");
        }
        return common(body, prompts, from, maxTokens, body.hasNonNull("max_tokens"), echo, logprobs, false);
    }

    /**
     * {@code prompt}: a string, a list of strings, a list of token ids, or a list of such lists (as
     * OpenAI's API and vLLM take it, and lm-evaluation-harness sends it).
     */
    private static List<Prompt> prompts(JsonNode p) {
        if (p == null || p.isNull()) throw ApiError.badRequest("prompt", "'prompt' is required");
        List<Prompt> prompts = new ArrayList<>();
        if (p.isTextual()) {
            prompts.add(Prompt.of(p.asText()));
        } else if (p.isArray() && !p.isEmpty() && allText(p)) {
            p.forEach(e -> prompts.add(Prompt.of(e.asText())));
        } else if (p.isArray() && !p.isEmpty() && p.get(0).isIntegralNumber()) {
            prompts.add(Prompt.of(ids(p)));
        } else if (p.isArray() && !p.isEmpty() && p.get(0).isArray()) {
            for (JsonNode e : p) {
                if (!e.isArray() || e.isEmpty()) {
                    throw ApiError.badRequest("prompt", "a list of token-id prompts must hold non-empty lists of integers");
                }
                prompts.add(Prompt.of(ids(e)));
            }
        } else {
            throw ApiError.badRequest("prompt", "'prompt' must be a non-empty string, a list of strings, a list of "
                    + "token ids or a list of such lists");
        }
        return prompts;
    }

    private static int[] ids(JsonNode list) {
        int[] ids = new int[list.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode e = list.get(i);
            if (!e.isIntegralNumber() || !e.canConvertToInt() || e.asInt() < 0) {
                throw ApiError.badRequest("prompt", "a token-id prompt holds non-negative integers only, not " + e);
            }
            ids[i] = e.asInt();
        }
        return ids;
    }

    static CompletionRequest chat(JsonNode body, String renderedPrompt) {
        RequestFields.check(body, true);
        int maxTokens = body.hasNonNull("max_completion_tokens")
                ? integer(body, "max_completion_tokens", 16, 1, Integer.MAX_VALUE)
                : integer(body, "max_tokens", 256, 1, Integer.MAX_VALUE);
        if (body.hasNonNull("logprobs") && body.get("logprobs").asBoolean(false)) {
            throw ApiError.badRequest("logprobs", "log-probs of chat completions are not offered; score text with "
                    + "/v1/completions, 'echo': true and 'logprobs'");
        }
        boolean given = body.hasNonNull("max_completion_tokens") || body.hasNonNull("max_tokens");
        return common(body, List.of(Prompt.of(renderedPrompt)), null, maxTokens, given, false, null, true);
    }

    private static CompletionRequest common(JsonNode body, List<Prompt> prompts, List<Integer> from, int maxTokens,
            boolean maxTokensGiven, boolean echo, Integer logprobs, boolean chat) {
        String model = body.hasNonNull("model") ? text(body, "model") : null;
        double temperature = number(body, "temperature", 1.0, 0, 100);
        long seed = body.hasNonNull("seed") ? longValue(body, "seed") : 0L;
        List<String> stop = stop(body.get("stop"));
        boolean stream = bool(body, "stream", false);
        int n = integer(body, "n", 1, 1, Integer.MAX_VALUE);
        if (n != 1) throw ApiError.badRequest("n", "only n = 1 is offered; send the request again for more samples");
        if (integer(body, "best_of", 1, 1, Integer.MAX_VALUE) != 1) {
            throw ApiError.badRequest("best_of", "only best_of = 1 is offered");
        }
        boolean ignoreEos = bool(body, "ignore_eos", false);
        JsonNode so = body.get("stream_options");
        boolean includeUsage = so != null && so.isObject() && so.path("include_usage").asBoolean(false);
        if (stream && echo && logprobs != null) {
            throw ApiError.badRequest("stream", "prompt log-probs (echo with logprobs) are not streamed; send "
                    + "'stream': false");
        }
        if (stream && prompts.size() > 1) throw ApiError.badRequest("prompt", "a streamed request takes one prompt");
        if (stream && maxTokens == 0) throw ApiError.badRequest("max_tokens", "a streamed request generates at least one token");
        return new CompletionRequest(model, List.copyOf(prompts), from, maxTokens, maxTokensGiven, temperature, seed, stop, stream,
                echo, logprobs, ignoreEos, includeUsage, chat);
    }

    private static List<Integer> continuationFrom(JsonNode node, List<Prompt> prompts) {
        if (node == null || node.isNull()) return null;
        List<Integer> out = new ArrayList<>();
        if (node.isIntegralNumber() && prompts.size() == 1) {
            out.add(node.asInt());
        } else if (node.isArray() && node.size() == prompts.size()) {
            for (JsonNode e : node) {
                if (!e.isIntegralNumber() && !e.isNull()) {
                    throw ApiError.badRequest("melt_continuation_from", "'melt_continuation_from' holds integers");
                }
                out.add(e.isNull() ? null : e.asInt());
            }
        } else {
            throw ApiError.badRequest("melt_continuation_from", "'melt_continuation_from' must be an integer, or a list "
                    + "with one integer per prompt (" + prompts.size() + ")");
        }
        for (int i = 0; i < out.size(); i++) {
            Integer k = out.get(i);
            if (k == null) continue;
            if (prompts.get(i).isTokens()) {
                throw ApiError.badRequest("melt_continuation_from", "'melt_continuation_from' splits text prompts; "
                        + "a token-id prompt is scored token by token");
            }
            int length = prompts.get(i).size();
            if (k < 0 || k >= length) {
                throw ApiError.badRequest("melt_continuation_from", "'melt_continuation_from' " + k + " of prompt " + i
                        + " must be at least 0 and below the prompt's length in code points, " + length
                        + " (the continuation must not be empty)");
            }
        }
        return java.util.Collections.unmodifiableList(out);
    }

    private static boolean allText(JsonNode array) {
        for (JsonNode e : array) if (!e.isTextual()) return false;
        return true;
    }

    private static List<String> stop(JsonNode node) {
        if (node == null || node.isNull()) return List.of();
        if (node.isTextual()) return node.asText().isEmpty() ? List.of() : List.of(node.asText());
        if (node.isArray() && allText(node)) {
            List<String> out = new ArrayList<>();
            node.forEach(e -> {
                if (!e.asText().isEmpty()) out.add(e.asText());
            });
            return List.copyOf(out);
        }
        throw ApiError.badRequest("stop", "'stop' must be a string or a list of strings");
    }

    static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (!v.isTextual()) throw ApiError.badRequest(field, "'" + field + "' must be a string");
        return v.asText();
    }

    private static boolean bool(JsonNode body, String field, boolean dflt) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return dflt;
        if (!v.isBoolean()) throw ApiError.badRequest(field, "'" + field + "' must be true or false");
        return v.asBoolean();
    }

    private static int integer(JsonNode body, String field, int dflt, int min, int max) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return dflt;
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw ApiError.badRequest(field, "'" + field + "' must be an integer");
        }
        int i = v.asInt();
        if (i < min || i > max) {
            throw ApiError.badRequest(field, "'" + field + "' must be between " + min + " and " + max + ", not " + i);
        }
        return i;
    }

    private static long longValue(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw ApiError.badRequest(field, "'" + field + "' must be an integer");
        }
        return v.asLong();
    }

    private static double number(JsonNode body, String field, double dflt, double min, double max) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return dflt;
        if (!v.isNumber()) throw ApiError.badRequest(field, "'" + field + "' must be a number");
        double d = v.asDouble();
        if (!(d >= min && d <= max)) {
            throw ApiError.badRequest(field, "'" + field + "' must be between " + min + " and " + max + ", not " + d);
        }
        return d;
    }
}
