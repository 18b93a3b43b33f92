package org.meltharness.runtime.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.meltharness.HarnessException;
import org.meltharness.runtime.Generation;
import org.meltharness.runtime.GenerationRequest;
import org.meltharness.runtime.LoglikelihoodRequest;
import org.meltharness.runtime.LoglikelihoodResult;
import org.meltharness.runtime.ModelInfo;
import org.meltharness.runtime.Runtime;
import org.meltharness.runtime.TokenListener;

/**
 * A model behind an OpenAI-compatible server (vLLM, llama-cpp-python, llama-server, {@code harness
 * serve}).
 *
 * <p>Log-likelihoods: each (context, continuation) is sent as one prompt to {@code /v1/completions}
 * with {@code echo}, {@code logprobs: 1} and {@code max_tokens: 0}; the server's tokens are split
 * where the continuation starts by {@code text_offset}, and the continuation's token log-probs
 * summed, as lm-evaluation-harness's OpenAI completion models do. The server's tokenizer decides
 * the tokens. Generation streams (SSE) so that the first token's and every token's arrival are
 * timed here, on the client.
 */
final class HttpRuntime implements Runtime {
    static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    /** A token counts as the greedy choice when no alternative beats it by more than this (rounding). */
    private static final double GREEDY_SLACK = 1e-6;

    private final ApiClient client;
    private final String model;
    private final ModelInfo info;
    private final int concurrency;
    private final int batch;
    /** New tokens asked for beside the echoed prompt: 0, or 1 for a server that refuses 0. */
    private volatile int echoMaxTokens = 0;

    HttpRuntime(ApiClient client, String model, ModelInfo info, int concurrency, int batch) {
        this.client = client;
        this.model = model;
        this.info = info;
        this.concurrency = concurrency;
        this.batch = batch;
    }

    /** Connects: asks {@code /v1/models} for the model and what the server says of it. */
    static HttpRuntime open(ApiClient client, String model, int concurrency, int batch) {
        JsonNode models;
        try {
            models = client.get("models");
        } catch (ApiClient.ServerError e) {
            throw HarnessException.usage(e.getMessage());
        }
        JsonNode entry = null;
        List<String> served = new ArrayList<>();
        for (JsonNode m : models.path("data")) {
            served.add(m.path("id").asText());
            if (model.equals(m.path("id").asText())) entry = m;
        }
        if (entry == null && !served.isEmpty()) {
            throw HarnessException.usage("server " + client.base() + " does not serve model '" + model + "'; it serves "
                    + served);
        }
        if (entry == null) entry = JSON.objectNode();
        JsonNode melt = entry.path("melt");
        int window = entry.path("max_model_len").asInt(melt.path("context_length").asInt(0));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("endpoint", client.base().toString());
        details.put("served_by", melt.isObject() ? "harness serve (" + melt.path("runtime").asText() + ")"
                : entry.path("owned_by").asText("unknown"));
        if (melt.isObject()) details.put("server_quant", melt.path("quant").asText());
        details.put("concurrency", concurrency);
        details.put("batch", batch);
        ModelInfo info = new ModelInfo("http", "openai-compatible", client.base() + "#" + model,
                melt.path("architecture").asText("remote"), melt.path("parameters").asLong(-1),
                melt.path("weight_dtype").asText("server"), melt.path("weight_bytes").asLong(-1), window,
                melt.path("vocabulary_size").asInt(-1),
                "the server's" + (melt.path("tokenizer").isTextual() ? ": " + melt.path("tokenizer").asText() : ""),
                details);
        return new HttpRuntime(client, model, info, concurrency, batch);
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    /**
     * Sends the requests in batches of prompts, up to {@code concurrency} batches at a time, and
     * puts each answer in its request's place; a batch that fails after its retries fails the call.
     */
    @Override
    public List<LoglikelihoodResult> loglikelihood(List<LoglikelihoodRequest> requests) {
        LoglikelihoodResult[] results = new LoglikelihoodResult[requests.size()];
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i < requests.size(); i += batch) starts.add(i);
        if (starts.size() == 1 || concurrency == 1) {
            for (int s : starts) scoreBatch(requests, s, Math.min(requests.size(), s + batch), results);
        } else {
            try (ExecutorService pool = Executors.newFixedThreadPool(Math.min(concurrency, starts.size()),
                    Thread.ofVirtual().name("http-score-", 0).factory())) {
                List<Future<?>> futures = new ArrayList<>();
                for (int s : starts) {
                    futures.add(pool.submit(() -> scoreBatch(requests, s, Math.min(requests.size(), s + batch), results)));
                }
                for (Future<?> f : futures) {
                    try {
                        f.get();
                    } catch (ExecutionException e) {
                        futures.forEach(x -> x.cancel(true));
                        if (e.getCause() instanceof RuntimeException r) throw r;
                        throw new IllegalStateException(e.getCause());
                    } catch (InterruptedException e) {
                        futures.forEach(x -> x.cancel(true));
                        Thread.currentThread().interrupt();
                        throw new HarnessException(HarnessException.INTERRUPTED, "interrupted");
                    }
                }
            }
        }
        for (int i = 0; i < results.length; i++) {
            if (results[i] == null) throw new IllegalStateException("request " + i + " got no answer");
        }
        return List.of(results);
    }

    private void scoreBatch(List<LoglikelihoodRequest> requests, int from, int to, LoglikelihoodResult[] results) {
        ObjectNode body = JSON.objectNode();
        body.put("model", model);
        ArrayNode prompts = body.putArray("prompt");
        for (int i = from; i < to; i++) prompts.add(requests.get(i).context() + requests.get(i).continuation());
        body.put("max_tokens", echoMaxTokens);
        body.put("echo", true);
        body.put("logprobs", 1);
        body.put("temperature", 0.0);
        long t0 = System.nanoTime();
        JsonNode answer;
        try {
            answer = client.post("completions", body);
        } catch (ApiClient.ServerError e) {
            if (echoMaxTokens == 0 && e.status / 100 == 4 && e.getMessage().contains("max_tokens")) {
                // Some servers want at least one new token; it comes after the prompt and is not scored.
                echoMaxTokens = 1;
                scoreBatch(requests, from, to, results);
                return;
            }
            if (e.getMessage().contains("context_length_exceeded") || e.getMessage().contains("maximum context length")) {
                // The server cuts nothing; over HTTP prompts are sent whole (in-process runtimes cut as lm-eval does).
                throw HarnessException.badData("a prompt is longer than the window of the model on " + client.base() + ": "
                        + e.getMessage().substring(e.getMessage().lastIndexOf(": ") + 2));
            }
            if (e.status == 400 || e.status == 422 || e.status == 501) {
                throw HarnessException.unsupportedModel(noPromptLogprobs().getMessage() + " (it answered " + e.status
                        + ": " + e.getMessage().substring(e.getMessage().lastIndexOf(": ") + 2) + ")");
            }
            throw HarnessException.unsupportedModel(e.getMessage());
        }
        long share = (System.nanoTime() - t0) / (to - from);
        JsonNode[] byIndex = new JsonNode[to - from];
        for (JsonNode c : answer.path("choices")) {
            int index = c.path("index").asInt(-1);
            if (index < 0 || index >= byIndex.length || byIndex[index] != null) {
                throw HarnessException.badData("server " + client.base() + " answered " + (to - from)
                        + " prompts with a bad or repeated choice index " + index);
            }
            byIndex[index] = c;
        }
        for (int i = 0; i < byIndex.length; i++) {
            if (byIndex[i] == null) {
                throw HarnessException.badData("server " + client.base() + " answered " + (to - from)
                        + " prompts with no choice " + i);
            }
            LoglikelihoodRequest r = requests.get(from + i);
            results[from + i] = score(r, byIndex[i], share);
        }
    }

    /** The continuation's share of one echoed prompt's token log-probs. */
    private LoglikelihoodResult score(LoglikelihoodRequest r, JsonNode choice, long nanos) {
        JsonNode lp = choice.path("logprobs");
        JsonNode tokens = lp.path("tokens");
        JsonNode values = lp.path("token_logprobs");
        JsonNode offsets = lp.path("text_offset");
        JsonNode tops = lp.path("top_logprobs");
        String prompt = r.context() + r.continuation();
        int promptLength = prompt.codePointCount(0, prompt.length());
        int contextLength = r.context().codePointCount(0, r.context().length());
        if (!values.isArray() || values.isEmpty() || !offsets.isArray() || offsets.size() != values.size()) {
            throw noPromptLogprobs();
        }
        // Tokens of the prompt (a server may add generated ones after it).
        int n = 0;
        while (n < offsets.size() && offsets.get(n).asInt() < promptLength) n++;
        if (n == 0) throw noPromptLogprobs();
        // The continuation: every token that ends after the context does (a token straddling the
        // boundary belongs to the continuation, as lm-eval's text_offset split has it).
        int first = n;
        for (int i = 0; i < n; i++) {
            int end = i + 1 < n ? offsets.get(i + 1).asInt() : promptLength;
            if (end > contextLength) {
                first = i;
                break;
            }
        }
        if (first >= n) {
            throw HarnessException.badData("server " + client.base() + " returned no tokens for continuation '"
                    + r.continuation() + "'");
        }
        double[] logprobs = new double[n - first];
        double sum = 0;
        boolean greedy = true;
        for (int i = first; i < n; i++) {
            JsonNode v = values.get(i);
            if (v == null || !v.isNumber()) {
                if (i == 0) {
                    throw HarnessException.badData("server " + client.base() + " gives the prompt's first token no "
                            + "log-prob, so a continuation with an empty context cannot be scored");
                }
                throw noPromptLogprobs();
            }
            logprobs[i - first] = v.asDouble();
            sum += v.asDouble();
            JsonNode top = tops.path(i);
            if (top.isObject()) {
                for (JsonNode alt : top) {
                    if (alt.asDouble() > v.asDouble() + GREEDY_SLACK) greedy = false;
                }
            }
        }
        return new LoglikelihoodResult(sum, greedy, logprobs, first, n - first, 0, false, 0L, nanos);
    }

    private HarnessException noPromptLogprobs() {
        return HarnessException.unsupportedModel("server " + client.base() + " returns no log-probs of prompt tokens "
                + "(echo with logprobs), so it cannot score log-likelihoods; scoring without them would be at chance. vLLM, "
                + "llama-cpp-python and harness serve return them; llama-server does not");
    }

    /**
     * Streams one completion, timing each streamed chunk's arrival from the request's start; a
     * chunk counts as one token (servers stream one token per chunk; a usage count is not used).
     */
    @Override
    public Generation generate(GenerationRequest request, TokenListener listener) {
        ObjectNode body = JSON.objectNode();
        body.put("model", model);
        body.put("prompt", request.prompt());
        body.put("max_tokens", request.maxTokens());
        body.put("temperature", request.temperature());
        body.put("seed", request.seed());
        if (!request.stop().isEmpty()) {
            ArrayNode stop = body.putArray("stop");
            request.stop().forEach(stop::add);
        }
        if (!request.stopAtEos()) body.put("ignore_eos", true);
        body.put("stream", true);
        body.putObject("stream_options").put("include_usage", true);

        StringBuilder text = new StringBuilder();
        List<Integer> ids = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        String[] finish = {null, null};
        int[] usage = {-1, -1};
        long[] t0 = {System.nanoTime()};
        try {
            client.stream("completions", body, sent -> t0[0] = sent, event -> {
                long now = System.nanoTime() - t0[0];
                for (JsonNode c : event.path("choices")) {
                    String delta = c.path("text").asText("");
                    JsonNode tokenIds = c.path("token_ids");
                    if (!delta.isEmpty() || tokenIds.isArray() && !tokenIds.isEmpty()) {
                        int id = tokenIds.isArray() && !tokenIds.isEmpty() ? tokenIds.get(0).asInt() : -1;
                        ids.add(id);
                        times.add(now);
                        text.append(delta);
                        listener.onToken(id, delta);
                    }
                    if (c.path("finish_reason").isTextual()) finish[0] = c.path("finish_reason").asText();
                    if (c.path("melt_finish_reason").isTextual()) finish[1] = c.path("melt_finish_reason").asText();
                }
                JsonNode u = event.path("usage");
                if (u.isObject()) {
                    usage[0] = u.path("prompt_tokens").asInt(-1);
                    usage[1] = u.path("completion_tokens").asInt(-1);
                }
            });
        } catch (ApiClient.ServerError e) {
            if (e.status == 401 || e.status == 403 || e.status == 404) throw HarnessException.usage(e.getMessage());
            throw HarnessException.unsupportedModel(e.getMessage());
        }
        long total = System.nanoTime() - t0[0];
        int[] tokenIds = ids.stream().mapToInt(Integer::intValue).toArray();
        long[] tokenNanos = times.stream().mapToLong(Long::longValue).toArray();
        // The client cannot see prefill; time to the first token is its upper bound.
        long prefill = tokenNanos.length > 0 ? tokenNanos[0] : total;
        return new Generation(text.toString(), tokenIds, tokenNanos, Math.max(usage[0], 0), prefill, total,
                finishReason(finish[0], finish[1], request));
    }

    private static Generation.FinishReason finishReason(String openai, String melt, GenerationRequest r) {
        if (melt != null) {
            try {
                return Generation.FinishReason.valueOf(melt.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                // fall back to OpenAI's reason
            }
        }
        if ("length".equals(openai)) return Generation.FinishReason.MAX_TOKENS;
        return r.stop().isEmpty() ? Generation.FinishReason.END_OF_SEQUENCE : Generation.FinishReason.STOP_STRING;
    }

    @Override
    public void close() {
        // HttpClient holds no connection worth closing early; nothing else is held.
    }
}
