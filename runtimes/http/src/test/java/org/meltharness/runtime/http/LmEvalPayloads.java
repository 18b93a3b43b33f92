package org.meltharness.runtime.http;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.meltharness.oracle.LmEvalOracle;
import org.meltharness.task.DocRequests;
import org.meltharness.task.PyStr;

/**
 * The requests lm-evaluation-harness 0.4.x's {@code local-completions} model sends for the
 * loglikelihood requests of an oracle run, built step by step as its code builds them
 * ({@code lm_eval/models/api_models.py} and {@code openai_completions.py} at v0.4.12, the same in
 * 0.4.13), so that they can be recorded and replayed without Python:
 *
 * <ol>
 *   <li>{@code TemplateLM._encode_pair}: trailing spaces of the context move to the continuation; the
 *       whole is encoded and the continuation is what follows the context's own encoding.
 *       {@code TemplateAPI.tok_encode} encodes with {@code add_special_tokens = add_bos_token}
 *       (false unless the user passes {@code add_bos_token=True}): unlike the {@code hf} backend,
 *       no BOS by default.
 *   <li>{@code _loglikelihood_tokens}: a {@code Collator} sorts by {@code (-len(tokens), tuple(tokens))}
 *       (stable) and cuts into batches of {@code batch_size}.
 *   <li>{@code batch_loglikelihood_requests}: each input is {@code (context + continuation)[-(max_length - 1):]},
 *       its {@code ctxlen} the context tokens left.
 *   <li>{@code create_message}: token lists as they are with {@code tokenized_requests=True}; else
 *       {@code tokenizer.batch_decode} of them (special tokens kept, no clean-up: this tokenizer's
 *       config), one string for a batch of one.
 *   <li>{@code LocalCompletionsAPI._create_payload(generate=False)}: {@code model, prompt,
 *       temperature 0, max_tokens 1, logprobs 1, seed 1234, echo true}, in that order.
 * </ol>
 *
 * Each recorded line holds the payload, the {@code ctxlens} lm-eval keeps beside it for
 * {@code parse_logprobs}, and which (document, request) each prompt answers.
 */
final class LmEvalPayloads {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * How lm-eval was asked to run: {@code --limit docs --model_args ...,tokenized_requests=..,add_bos_token=..,
     * batch_size=..,max_length=..}.
     */
    record Setup(String run, int docs, boolean tokenizedRequests, boolean addBosToken, int batchSize, int maxLength,
            String model) {
        String file() {
            return run + "-limit" + docs + "-" + (tokenizedRequests ? "tokens" : "strings") + (addBosToken ? "-bos" : "")
                    + "-batch" + batchSize + ".jsonl";
        }
    }

    private LmEvalPayloads() {}

    /** One loglikelihood request after {@code _encode_pair}. */
    private record Encoded(int doc, int index, int[] context, int[] continuation) {
        int[] tokens() {
            int[] all = Arrays.copyOf(context, context.length + continuation.length);
            System.arraycopy(continuation, 0, all, context.length, continuation.length);
            return all;
        }
    }

    /** The recorded lines for {@code setup}, one JSON object per request sent. */
    static List<String> build(Setup setup, Path modelDir) {
        LmEvalOracle.Run run = LmEvalOracle.runs().stream().filter(r -> r.name().equals(setup.run())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no oracle run " + setup.run()));
        List<DocRequests> docs = LmEvalOracle.ourRequests(run);
        try (HuggingFaceTokenizer tok = HuggingFaceTokenizer.newInstance(modelDir.resolve("tokenizer.json"),
                Map.of("addSpecialTokens", String.valueOf(setup.addBosToken()), "truncation", "false", "padding", "false",
                        "maxLength", "100000"))) {
            List<Encoded> requests = new ArrayList<>();
            for (int d = 0; d < Math.min(setup.docs(), docs.size()); d++) {
                List<DocRequests.Request> rs = docs.get(d).requests();
                JsonNode golden = run.docs().get(d).path("requests");
                for (int i = 0; i < rs.size(); i++) {
                    String context = rs.get(i).context();
                    String continuation = rs.get(i).continuation();
                    // The oracle recorded lm-eval's own context (by hash) and continuation: these are its requests.
                    if (!sha256(context).equals(golden.get(i).path("context_sha256").asText())
                            || !continuation.equals(golden.get(i).path("continuation").asText())) {
                        throw new IllegalStateException(setup.run() + " doc " + d + " request " + i + " is not lm-eval's");
                    }
                    if (context.isEmpty()) throw new IllegalStateException("empty contexts are not recorded here");
                    String ctx = PyStr.rstrip(context);
                    String cont = context.substring(ctx.length()) + continuation;
                    int[] whole = ids(tok, ctx + cont);
                    int[] ctxIds = ids(tok, ctx);
                    requests.add(new Encoded(d, i, ctxIds, Arrays.copyOfRange(whole, ctxIds.length, whole.length)));
                }
            }
            List<Encoded> sorted = new ArrayList<>(requests);
            sorted.sort(Comparator.comparingInt((Encoded e) -> -e.tokens().length)
                    .thenComparing(Encoded::tokens, Arrays::compare));
            int limit = setup.maxLength() - 1; // "max_length - 1 as we always have 1 token for generation"
            List<String> lines = new ArrayList<>();
            for (int from = 0; from < sorted.size(); from += setup.batchSize()) {
                List<Encoded> batch = sorted.subList(from, Math.min(sorted.size(), from + setup.batchSize()));
                ObjectNode line = JSON.createObjectNode();
                ArrayNode ctxlens = line.putArray("ctxlens");
                ArrayNode answers = line.putArray("requests");
                List<int[]> inputs = new ArrayList<>();
                for (Encoded e : batch) {
                    int[] all = e.tokens();
                    inputs.add(Arrays.copyOfRange(all, Math.max(0, all.length - limit), all.length));
                    ctxlens.add(e.context().length - Math.max(0, all.length - limit));
                    answers.addArray().add(e.doc()).add(e.index());
                }
                ObjectNode payload = line.putObject("payload");
                payload.put("model", setup.model());
                if (setup.tokenizedRequests()) {
                    ArrayNode prompt = payload.putArray("prompt");
                    for (int[] in : inputs) {
                        ArrayNode one = prompt.addArray();
                        for (int t : in) one.add(t);
                    }
                } else {
                    List<String> texts = inputs.stream()
                            .map(in -> tok.decode(Arrays.stream(in).asLongStream().toArray(), false)).toList();
                    if (setup.batchSize() <= 1) {
                        payload.put("prompt", texts.getFirst());
                    } else {
                        ArrayNode prompt = payload.putArray("prompt");
                        texts.forEach(prompt::add);
                    }
                }
                payload.put("temperature", 0);
                payload.put("max_tokens", 1);
                payload.put("logprobs", 1);
                payload.put("seed", 1234);
                payload.put("echo", true);
                lines.add(JSON.writeValueAsString(line));
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int[] ids(HuggingFaceTokenizer tok, String text) {
        return Arrays.stream(tok.encode(text).getIds()).mapToInt(Math::toIntExact).toArray();
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
