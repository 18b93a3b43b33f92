package org.meltharness.runtime.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.meltharness.HarnessException;
import org.meltharness.bench.ChatTemplate;
import org.meltharness.runtime.Generation;
import org.meltharness.runtime.GenerationRequest;
import org.meltharness.runtime.ModelInfo;
import org.meltharness.runtime.Runtime;
import org.meltharness.runtime.TokenInput;
import org.meltharness.runtime.TokenListener;

/**
 * One loaded model answering completion requests: what {@code harness serve} runs on its worker
 * thread, one request at a time (runtimes are single-threaded). Transport-free: it takes validated
 * requests and returns or streams OpenAI-shaped JSON.
 *
 * <p>On a runtime that takes token ids ({@link TokenInput}) every prompt is worked on as ids: a
 * text prompt as the runtime's tokenizer encodes it, a token-id prompt exactly as sent. The echoed
 * prompt is scored on its own, so its log-probs never depend on what is generated after it, and
 * generated tokens are listed and scored as the ids they are (a token that merges with the
 * prompt's last character in text is no problem). Other runtimes work on text.
 */
final class ServedModel implements AutoCloseable {
    static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final Runtime runtime;
    /** The runtime as one that takes token ids, or null. */
    private final TokenInput tokenInput;
    /** Read once, here: {@code info()} is never called beside the worker's use of the runtime. */
    private final ModelInfo info;
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
        this.info = runtime.info();
        Path dir = modelDir(info);
        this.tokens = PromptTokens.of(dir, info.vocabularySize());
        this.tokenInput = runtime instanceof TokenInput t && tokens.isPresent() ? t : null;
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
        return info;
    }

    /** Whether prompts may be sent as token ids. */
    boolean takesTokenIds() {
        return tokenInput != null;
    }

    /** The name a request asked for, checked: absent means this model. */
    void checkModel(String asked) {
        if (asked != null && !names.contains(asked)) throw ApiError.unknownModel(asked, id);
    }

    /** The {@code /v1/models} entry, with the harness's description of the model under {@code melt}. */
    ObjectNode modelEntry() {
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
        melt.put("token_prompts", takesTokenIds());
        return m;
    }

    /**
     * One prompt as the model sees it.
     *
     * @param ids the model's input (a text prompt's encoding, BOS included; a token-id prompt as
     *     sent), or null when the server has no tokenizer
     * @param lead how many of {@code ids} come before the listed tokens (a BOS the tokenizer adds)
     * @param text the prompt's text (a token-id prompt's decoded), for echo
     */
    record Input(Prompt prompt, int[] ids, int lead, String text) {
        int listed() {
            return ids.length - lead;
        }
    }

    /**
     * Tokenizes and checks every prompt before the request is queued: token ids the runtime cannot
     * take, ids outside the vocabulary, a prompt longer than the window, and a {@code max_tokens}
     * that leaves no room for any prompt are each one 400. Scoring with {@code
     * melt_continuation_from} is exempt from the length check: like lm-evaluation-harness, it cuts
     * long inputs from the left and says so ({@code melt.truncated}).
     */
    List<Input> prepare(CompletionRequest r) {
        int window = info.contextLength();
        if (r.maxTokensGiven() && window > 0 && r.maxTokens() >= window) {
            throw ApiError.contextLengthExceeded("this model's maximum context length is " + window + " tokens; "
                    + "max_tokens " + r.maxTokens() + " leaves no room for a prompt (at most " + (window - 1) + ")");
        }
        List<Input> out = new ArrayList<>(r.prompts().size());
        for (int i = 0; i < r.prompts().size(); i++) {
            Prompt p = r.prompts().get(i);
            boolean split = r.continuationFrom() != null && r.continuationFrom().get(i) != null;
            Input in;
            if (p.isTokens()) {
                if (tokenInput == null) {
                    throw ApiError.badRequest("prompt", "this server's runtime (" + runtimeName + ") takes text prompts "
                            + "only, not token ids: send the prompt as a string (/v1/models says token_prompts: false)");
                }
                for (int t : p.ids()) {
                    if (t >= info.vocabularySize()) {
                        throw ApiError.badRequest("prompt", "token id " + t + " is outside this model's vocabulary of "
                                + info.vocabularySize());
                    }
                }
                String text = r.echo() ? String.join("", tokens.get().ofIds(p.ids()).texts()) : "";
                in = new Input(p, p.ids(), 0, text);
            } else if (tokens.isPresent()) {
                long least = tokens.get().atLeastTokens(p.text());
                if (!split && window > 0 && least > window) {
                    throw ApiError.contextLengthExceeded("this model's maximum context length is " + window
                            + " tokens; the prompt has at least " + least + " tokens");
                }
                int[] ids = tokens.get().encode(p.text());
                in = new Input(p, ids, tokens.get().specialPrefix(ids, p.text()), p.text());
            } else {
                in = new Input(p, null, 0, p.text());
            }
            if (!split && in.ids() != null && window > 0 && in.ids().length > window) {
                throw ApiError.contextLengthExceeded(in.ids().length, window);
            }
            out.add(in);
        }
        return out;
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

    /** A generation with the text each token added (deltas concatenate to the text). */
    record Gen(Generation g, List<String> deltas) {}

    /** Computes a whole (non-streamed) answer; {@code gone} tells when its client has left. */
    ObjectNode complete(CompletionRequest r, List<Input> inputs, java.util.function.BooleanSupplier gone) {
        long t0 = System.nanoTime();
        int n = inputs.size();
        List<LogprobRows> echo = !r.scoresPrompt() ? null
                : r.continuationFrom() != null || tokenInput == null ? TextEcho.rows(runtime, tokens, r, inputs)
                : TokenEcho.rows(tokenInput, tokens, r, inputs);
        List<Gen> gens = new ArrayList<>(n);
        for (Input in : inputs) {
            int max = maxTokens(r, in);
            gens.add(max > 0 ? generate(r, in, max, (id, text) -> {
                if (gone.getAsBoolean()) throw new ClientGone("the client closed the connection");
            }) : null);
        }
        List<LogprobRows> rows = echo != null ? echo : new ArrayList<>();
        if (echo == null) for (int i = 0; i < n; i++) rows.add(new LogprobRows(tokens));
        if (r.logprobs() != null && !r.chat()) TokenEcho.addGenerated(runtime, tokenInput, r, inputs, gens, rows);

        ObjectNode out = JSON.objectNode();
        out.put("id", (r.chat() ? "chatcmpl-" : "cmpl-") + ids.incrementAndGet());
        out.put("object", r.chat() ? "chat.completion" : "text_completion");
        out.put("created", System.currentTimeMillis() / 1000);
        out.put("model", id);
        ArrayNode choices = out.putArray("choices");
        long promptTokens = 0;
        long completionTokens = 0;
        for (int i = 0; i < n; i++) {
            Input in = inputs.get(i);
            Generation g = gens.get(i) == null ? null : gens.get(i).g();
            ObjectNode c = choices.addObject();
            c.put("index", i);
            String generated = g == null ? "" : g.text();
            if (r.chat()) {
                ObjectNode msg = c.putObject("message");
                msg.put("role", "assistant");
                msg.put("content", generated);
                c.putNull("logprobs");
            } else {
                c.put("text", (r.echo() ? in.text() : "") + generated);
                if (r.logprobs() != null) c.set("logprobs", rows.get(i).node());
                else c.putNull("logprobs");
            }
            c.put("finish_reason", g == null ? "length" : finishReason(g));
            if (g != null) c.put("melt_finish_reason", g.finishReason().name().toLowerCase(Locale.ROOT));
            if (echo != null && rows.get(i).melt() != null) c.set("melt", rows.get(i).melt());
            if (g != null) {
                promptTokens += g.promptTokens();
                completionTokens += g.tokens().length;
            } else if (in.ids() != null) {
                promptTokens += in.ids().length;
            } else if (echo != null && rows.get(i).melt() != null) {
                promptTokens += rows.get(i).melt().path("context_tokens").asInt()
                        + rows.get(i).melt().path("continuation_tokens").asInt();
            }
        }
        ObjectNode usage = out.putObject("usage");
        usage.put("prompt_tokens", promptTokens);
        usage.put("completion_tokens", completionTokens);
        usage.put("total_tokens", promptTokens + completionTokens);
        out.put("melt_server_ms", (System.nanoTime() - t0) / 1e6);
        return out;
    }

    /** Receives the chunks of a streamed answer; throws {@link ClientGone} when the client has gone. */
    interface ChunkSink {
        void send(ObjectNode chunk);
    }

    /** Streams one prompt's generation, one chunk per token, then the finish (and usage) chunks. */
    void stream(CompletionRequest r, Input in, ChunkSink sink) {
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
            ((ObjectNode) first.withArray("choices").get(0)).put("text", in.text());
            sink.send(first);
        }
        Generation g = generate(r, in, maxTokens(r, in), (tokenId, text) -> {
            ObjectNode c = chunk(cid, now, r.chat());
            ObjectNode choice = (ObjectNode) c.withArray("choices").get(0);
            if (r.chat()) choice.putObject("delta").put("content", text);
            else choice.put("text", text);
            choice.putArray("token_ids").add(tokenId);
            sink.send(c);
        }).g();
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

    /**
     * New tokens for one prompt: as asked, or, when the request left {@code max_tokens} out, its
     * default shrunk to what the window has room for after the prompt (as vLLM does).
     */
    private int maxTokens(CompletionRequest r, Input in) {
        int window = info.contextLength();
        if (r.maxTokensGiven() || in.ids() == null || window <= 0) return r.maxTokens();
        return (int) Math.max(Math.min(1, r.maxTokens()), Math.min(r.maxTokens(), (long) window - in.ids().length));
    }

    private Gen generate(CompletionRequest r, Input in, int maxTokens, TokenListener listener) {
        List<String> deltas = new ArrayList<>();
        TokenListener both = (id, text) -> {
            deltas.add(text);
            listener.onToken(id, text);
        };
        GenerationRequest q = new GenerationRequest(in.text() == null ? "" : in.prompt().isTokens() ? "" : in.text(),
                maxTokens, r.temperature(), r.seed(), !r.ignoreEos(), r.stop());
        Generation g = tokenInput != null && in.ids() != null ? tokenInput.generateTokens(in.ids(), q, both)
                : runtime.generate(q, both);
        return new Gen(g, deltas);
    }

    private static String finishReason(Generation g) {
        return switch (g.finishReason()) {
            case MAX_TOKENS, CONTEXT_FULL -> "length";
            case END_OF_SEQUENCE, STOP_STRING -> "stop";
        };
    }

    @Override
    public void close() {
        tokens.ifPresent(PromptTokens::close);
        runtime.close();
    }
}
