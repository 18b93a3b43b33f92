package org.meltharness.runtime.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.meltharness.HarnessException;
import org.meltharness.bench.ChatTemplate;
import org.meltharness.runtime.DistributionObserver;
import org.meltharness.runtime.Generation;
import org.meltharness.runtime.GenerationRequest;
import org.meltharness.runtime.LogProbs;
import org.meltharness.runtime.LoglikelihoodRequest;
import org.meltharness.runtime.LoglikelihoodResult;
import org.meltharness.runtime.ModelInfo;
import org.meltharness.runtime.Runtime;
import org.meltharness.runtime.TokenListener;

/**
 * One loaded model answering completion requests: what {@code harness serve} runs on its worker
 * thread, one request at a time (runtimes are single-threaded). Transport-free: it takes validated
 * requests and returns or streams OpenAI-shaped JSON.
 */
final class ServedModel implements AutoCloseable {
    static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final Runtime runtime;
    private final String id;
    private final Set<String> names;
    private final String quant;
    private final String runtimeName;
    private final Optional<PromptTokens> tokens;
    private final ChatTemplate template;
    private final long created = System.currentTimeMillis() / 1000;
    private final AtomicLong ids = new AtomicLong();

    /**
     * @param id the model's name in requests and {@code /v1/models}
     * @param aliases other names requests may use (the path as typed)
     */
    ServedModel(Runtime runtime, String id, Set<String> aliases, String runtimeName, String quant) {
        this.runtime = runtime;
        this.id = id;
        this.names = new java.util.HashSet<>(aliases);
        this.names.add(id);
        this.runtimeName = runtimeName;
        this.quant = quant;
        Path dir = modelDir(runtime.info());
        this.tokens = PromptTokens.of(dir);
        this.template = dir == null ? ChatTemplate.of(Path.of("/nonexistent")) : ChatTemplate.of(dir);
    }

    private static Path modelDir(ModelInfo info) {
        if (info.path() == null) return null;
        Path p = Path.of(info.path());
        return Files.isDirectory(p) ? p : null;
    }

    String id() {
        return id;
    }

    ModelInfo info() {
        return runtime.info();
    }

    /** The name a request asked for, checked: absent means this model. */
    void checkModel(String asked) {
        if (asked != null && !names.contains(asked)) throw ApiError.unknownModel(asked, id);
    }

    /** The {@code /v1/models} entry, with the harness's description of the model under {@code melt}. */
    ObjectNode modelEntry() {
        ModelInfo info = runtime.info();
        ObjectNode m = JSON.objectNode();
        m.put("id", id);
        m.put("object", "model");
        m.put("created", created);
        m.put("owned_by", "melt-harness");
        m.put("max_model_len", info.contextLength());
        ObjectNode melt = m.putObject("melt");
        melt.put("server", "harness serve");
        melt.put("runtime", runtimeName);
        melt.put("runtime_version", info.runtimeVersion());
        melt.put("quant", quant);
        melt.put("architecture", info.architecture());
        melt.put("parameters", info.parameters());
        melt.put("weight_dtype", info.weightDtype());
        melt.put("weight_bytes", info.weightBytes());
        melt.put("context_length", info.contextLength());
        melt.put("vocabulary_size", info.vocabularySize());
        melt.put("tokenizer", info.tokenizer());
        melt.put("continuation_from", true);
        return m;
    }

    /**
     * Rejects a prompt the model cannot take whole (before it is queued). Scoring with
     * {@code melt_continuation_from} is exempt: like lm-evaluation-harness, it cuts long inputs
     * from the left and says so ({@code melt.truncated}).
     */
    void checkLength(CompletionRequest r) {
        if (tokens.isEmpty()) return;
        int window = runtime.info().contextLength();
        if (window <= 0) return;
        for (int i = 0; i < r.prompts().size(); i++) {
            if (r.continuationFrom() != null && r.continuationFrom().get(i) != null) continue;
            int n = tokens.get().count(r.prompts().get(i));
            if (n > window) throw ApiError.contextLengthExceeded(n, window);
        }
    }

    /** The prompt of a chat request, rendered by the model's chat template (or a plain layout). */
    String render(JsonNode messages) {
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw ApiError.badRequest("messages", "'messages' must be a non-empty list of {role, content}");
        }
        List<ChatTemplate.Message> list = new ArrayList<>();
        for (JsonNode m : messages) {
            if (!m.isObject() || !m.path("role").isTextual()) {
                throw ApiError.badRequest("messages", "each message needs a 'role' string and 'content'");
            }
            JsonNode c = m.get("content");
            String content;
            if (c == null || c.isNull()) {
                content = "";
            } else if (c.isTextual()) {
                content = c.asText();
            } else if (c.isArray()) {
                StringBuilder sb = new StringBuilder();
                for (JsonNode part : c) {
                    if (!"text".equals(part.path("type").asText())) {
                        throw ApiError.badRequest("messages", "only text content parts are accepted");
                    }
                    sb.append(part.path("text").asText());
                }
                content = sb.toString();
            } else {
                throw ApiError.badRequest("messages", "'content' must be a string or a list of text parts");
            }
            list.add(new ChatTemplate.Message(m.get("role").asText(), content));
        }
        try {
            return template.render(list, true);
        } catch (HarnessException e) {
            throw ApiError.badRequest("messages", e.getMessage());
        }
    }

    // ---------------------------------------------------------------------------------- answers

    /** Computes a whole (non-streamed) answer. */
    ObjectNode complete(CompletionRequest r) {
        long t0 = System.nanoTime();
        int n = r.prompts().size();
        List<Scored> scored = r.scoresPrompt() ? scorePrompts(r) : null;
        ObjectNode out = JSON.objectNode();
        out.put("id", (r.chat() ? "chatcmpl-" : "cmpl-") + ids.incrementAndGet());
        out.put("object", r.chat() ? "chat.completion" : "text_completion");
        out.put("created", System.currentTimeMillis() / 1000);
        out.put("model", id);
        ArrayNode choices = out.putArray("choices");
        long promptTokens = 0;
        long completionTokens = 0;
        for (int i = 0; i < n; i++) {
            String prompt = r.prompts().get(i);
            Generation g = r.maxTokens() > 0 ? runtime.generate(generation(r, prompt), TokenListener.NONE) : null;
            ObjectNode c = choices.addObject();
            c.put("index", i);
            String generated = g == null ? "" : g.text();
            if (r.chat()) {
                ObjectNode msg = c.putObject("message");
                msg.put("role", "assistant");
                msg.put("content", generated);
                c.putNull("logprobs");
            } else {
                c.put("text", (r.echo() ? prompt : "") + generated);
            }
            Scored s = scored == null ? null : scored.get(i);
            if (!r.chat()) {
                if (r.logprobs() != null) {
                    c.set("logprobs", logprobs(r, prompt, s, g));
                } else {
                    c.putNull("logprobs");
                }
            }
            c.put("finish_reason", g == null ? "length" : finishReason(g));
            if (g != null) c.put("melt_finish_reason", g.finishReason().name().toLowerCase(Locale.ROOT));
            if (s != null) c.set("melt", s.melt());
            if (g != null) {
                promptTokens += g.promptTokens();
                completionTokens += g.tokens().length;
            } else if (s != null) {
                promptTokens += s.promptTokens();
            } else {
                promptTokens += tokens.map(t -> t.count(prompt)).orElse(0);
            }
        }
        ObjectNode usage = out.putObject("usage");
        usage.put("prompt_tokens", promptTokens);
        usage.put("completion_tokens", completionTokens);
        usage.put("total_tokens", promptTokens + completionTokens);
        out.put("melt_server_ms", (System.nanoTime() - t0) / 1e6);
        return out;
    }

    /** Receives the chunks of a streamed answer; throws when the client has gone. */
    interface ChunkSink {
        void send(ObjectNode chunk);
    }

    /** Streams one prompt's generation, one chunk per token, then the finish (and usage) chunks. */
    void stream(CompletionRequest r, ChunkSink sink) {
        String prompt = r.prompts().getFirst();
        String cid = (r.chat() ? "chatcmpl-" : "cmpl-") + ids.incrementAndGet();
        long now = System.currentTimeMillis() / 1000;
        if (r.chat()) {
            ObjectNode first = chunk(cid, now, true);
            ObjectNode d = ((ObjectNode) first.withArray("choices").get(0)).putObject("delta");
            d.put("role", "assistant");
            d.put("content", "");
            sink.send(first);
        } else if (r.echo()) {
            ObjectNode first = chunk(cid, now, false);
            ((ObjectNode) first.withArray("choices").get(0)).put("text", prompt);
            sink.send(first);
        }
        Generation g = runtime.generate(generation(r, prompt), (tokenId, text) -> {
            ObjectNode c = chunk(cid, now, r.chat());
            ObjectNode choice = (ObjectNode) c.withArray("choices").get(0);
            if (r.chat()) choice.putObject("delta").put("content", text);
            else choice.put("text", text);
            choice.putArray("token_ids").add(tokenId);
            sink.send(c);
        });
        ObjectNode last = chunk(cid, now, r.chat());
        ObjectNode choice = (ObjectNode) last.withArray("choices").get(0);
        if (r.chat()) choice.putObject("delta");
        else choice.put("text", "");
        choice.put("finish_reason", finishReason(g));
        choice.put("melt_finish_reason", g.finishReason().name().toLowerCase(Locale.ROOT));
        ObjectNode timing = last.putObject("melt_timing");
        timing.put("prompt_tokens", g.promptTokens());
        timing.put("prefill_ms", g.prefillNanos() / 1e6);
        timing.put("total_ms", g.totalNanos() / 1e6);
        sink.send(last);
        if (r.includeUsage()) {
            ObjectNode u = JSON.objectNode();
            u.put("id", cid);
            u.put("object", r.chat() ? "chat.completion.chunk" : "text_completion");
            u.put("created", now);
            u.put("model", id);
            u.putArray("choices");
            ObjectNode usage = u.putObject("usage");
            usage.put("prompt_tokens", g.promptTokens());
            usage.put("completion_tokens", g.tokens().length);
            usage.put("total_tokens", g.promptTokens() + g.tokens().length);
            sink.send(u);
        }
    }

    private ObjectNode chunk(String cid, long created, boolean chat) {
        ObjectNode c = JSON.objectNode();
        c.put("id", cid);
        c.put("object", chat ? "chat.completion.chunk" : "text_completion");
        c.put("created", created);
        c.put("model", id);
        ObjectNode choice = c.putArray("choices").addObject();
        choice.put("index", 0);
        if (!chat) choice.putNull("logprobs");
        choice.putNull("finish_reason");
        return c;
    }

    private static GenerationRequest generation(CompletionRequest r, String prompt) {
        return new GenerationRequest(prompt, r.maxTokens(), r.temperature(), r.seed(), !r.ignoreEos(), r.stop());
    }

    private static String finishReason(Generation g) {
        return switch (g.finishReason()) {
            case MAX_TOKENS, CONTEXT_FULL -> "length";
            case END_OF_SEQUENCE, STOP_STRING -> "stop";
        };
    }

    // ---------------------------------------------------------------------------------- scoring

    /** One prompt's scored tokens: the runtime's result and the top alternatives per token. */
    private record Scored(String prompt, Integer from, LoglikelihoodResult result, Top[] top) {
        int promptTokens() {
            return result == null ? 1 : result.contextTokens() + result.continuationTokens();
        }

        ObjectNode melt() {
            ObjectNode m = JSON.objectNode();
            if (result == null) return m;
            if (from == null) m.putNull("continuation_from");
            else m.put("continuation_from", from);
            m.put("context_tokens", result.contextTokens());
            m.put("continuation_tokens", result.continuationTokens());
            m.put("reused_tokens", result.reusedTokens());
            m.put("truncated", result.truncated());
            m.put("logprob", result.logLikelihood());
            m.put("greedy", result.greedy());
            m.put("prefill_ms", result.prefillNanos() / 1e6);
            m.put("total_ms", result.totalNanos() / 1e6);
            return m;
        }
    }

    /** The most likely tokens at one scored position. */
    private record Top(int[] ids, double[] logprobs) {}

    /**
     * Scores every prompt in one runtime call (so shared prefixes are computed once). With
     * {@code melt_continuation_from = k}, the pair (prompt[:k], prompt[k:]) is scored exactly as
     * in-process {@code eval} scores it; otherwise every prompt token after the first is scored
     * given those before it (and BOS), the first getting no log-prob as with OpenAI and vLLM.
     */
    private List<Scored> scorePrompts(CompletionRequest r) {
        if (tokens.isEmpty() && r.continuationFrom() == null) {
            // Without the tokenizer's spans there are no token texts or text_offsets, and a client
            // splitting by offset would score the wrong tokens: refuse rather than mislead.
            throw ApiError.badRequest("echo", "this server cannot list the prompt's tokens and text offsets (the model "
                    + "has no tokenizer.json beside it); send melt_continuation_from to score a continuation");
        }
        List<LoglikelihoodRequest> requests = new ArrayList<>();
        List<Integer> scoredIndex = new ArrayList<>();
        Scored[] out = new Scored[r.prompts().size()];
        for (int i = 0; i < r.prompts().size(); i++) {
            String p = r.prompts().get(i);
            Integer k = r.continuationFrom() == null ? null : r.continuationFrom().get(i);
            int at = k != null ? p.offsetByCodePoints(0, k) : tokens.map(t -> t.firstTokenEnd(p)).orElse(p.length());
            if (at >= p.length()) {
                out[i] = new Scored(p, k, null, null); // one token: nothing before it to score it on
                continue;
            }
            requests.add(new LoglikelihoodRequest(p.substring(0, at), p.substring(at)));
            scoredIndex.add(i);
        }
        if (requests.isEmpty()) return Arrays.asList(out);
        int topN = r.logprobs();
        Map<Long, Top> tops = new HashMap<>();
        DistributionObserver observer = topN == 0 ? null : (request, position, target, logits) ->
                tops.put(((long) request << 32) | position, top(logits, topN));
        List<LoglikelihoodResult> results;
        try {
            results = runtime.loglikelihood(requests, observer);
        } catch (HarnessException e) {
            if (observer == null || e.exitCode() != HarnessException.UNSUPPORTED_MODEL) throw e;
            tops.clear();
            results = runtime.loglikelihood(requests);
        }
        for (int j = 0; j < requests.size(); j++) {
            LoglikelihoodResult res = results.get(j);
            Top[] top = null;
            if (!tops.isEmpty()) {
                top = new Top[res.continuationTokens()];
                for (int t = 0; t < top.length; t++) top[t] = tops.get(((long) j << 32) | t);
            }
            int i = scoredIndex.get(j);
            Integer k = r.continuationFrom() == null ? null : r.continuationFrom().get(i);
            out[i] = new Scored(r.prompts().get(i), k, res, top);
        }
        return Arrays.asList(out);
    }

    private static Top top(float[] logits, int n) {
        double logZ = LogProbs.logSumExp(logits);
        Integer[] order = new Integer[logits.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        // Partial selection would do; vocabularies are small enough for a sort per token.
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -logits[i]).thenComparingInt(i -> i));
        int k = Math.min(n, logits.length);
        int[] ids = new int[k];
        double[] lps = new double[k];
        for (int i = 0; i < k; i++) {
            ids[i] = order[i];
            lps[i] = logits[order[i]] - logZ;
        }
        return new Top(ids, lps);
    }

    /** {@code logprobs} of one choice: the prompt's tokens (echo), then the generated ones. */
    private ObjectNode logprobs(CompletionRequest r, String prompt, Scored s, Generation g) {
        ObjectNode lp = JSON.objectNode();
        ArrayNode toks = lp.putArray("tokens");
        ArrayNode values = lp.putArray("token_logprobs");
        ArrayNode tops = lp.putArray("top_logprobs");
        ArrayNode offsets = lp.putArray("text_offset");
        if (s != null) add(s.result(), s.top(), prompt, 0, true, toks, values, tops, offsets);
        if (g != null && !g.text().isEmpty()) {
            // The generator reports no log-probs: the generated text is scored after the prompt.
            Scored gs = scoreGenerated(prompt, g.text(), r.logprobs());
            int shift = r.echo() ? 0 : -prompt.codePointCount(0, prompt.length());
            add(gs.result(), gs.top(), prompt + g.text(), shift, false, toks, values, tops, offsets);
        }
        return lp;
    }

    private Scored scoreGenerated(String prompt, String text, int topN) {
        Map<Long, Top> tops = new HashMap<>();
        DistributionObserver observer = topN == 0 ? null
                : (request, position, target, logits) -> tops.put((long) position, top(logits, topN));
        LoglikelihoodResult res;
        List<LoglikelihoodRequest> one = List.of(new LoglikelihoodRequest(prompt, text));
        try {
            res = runtime.loglikelihood(one, observer).getFirst();
        } catch (HarnessException e) {
            if (observer == null || e.exitCode() != HarnessException.UNSUPPORTED_MODEL) throw e;
            tops.clear();
            res = runtime.loglikelihood(one).getFirst();
        }
        Top[] top = null;
        if (!tops.isEmpty()) {
            top = new Top[res.continuationTokens()];
            for (int j = 0; j < top.length; j++) top[j] = tops.get((long) j);
        }
        return new Scored(text, null, res, top);
    }

    /**
     * Lists tokens of {@code text} with their log-probs: with {@code whole}, every token of the
     * text, those before the scored tail with null; otherwise only the scored tail.
     */
    private void add(LoglikelihoodResult res, Top[] top, String text, int shift, boolean whole, ArrayNode toks,
            ArrayNode values, ArrayNode tops, ArrayNode offsets) {
        int n = res == null ? 0 : res.continuationTokens();
        PromptTokens.Pieces pieces = tokens.map(t -> whole ? t.all(text) : t.tail(text, n)).orElse(null);
        int listed = pieces == null ? n : pieces.texts().length;
        int lead = listed - n;
        for (int j = 0; j < listed; j++) {
            toks.add(pieces == null ? "" : pieces.texts()[j]);
            int at = j - lead;
            if (at < 0) {
                values.addNull();
                tops.addNull();
            } else {
                values.add(res.tokenLogprobs()[at]);
                if (top == null || top[at] == null) {
                    tops.addNull();
                } else {
                    ObjectNode t = tops.addObject();
                    for (int a = 0; a < top[at].ids().length; a++) {
                        int tokenId = top[at].ids()[a];
                        String key = tokens.map(pt -> pt.piece(tokenId)).orElse(String.valueOf(tokenId));
                        if (!t.has(key)) t.put(key, top[at].logprobs()[a]);
                    }
                }
            }
            offsets.add(pieces == null ? -1 : pieces.offsets()[j] + shift);
        }
    }

    @Override
    public void close() {
        tokens.ifPresent(PromptTokens::close);
        runtime.close();
    }
}
