package org.meltharness.runtime.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.meltharness.HarnessException;
import org.meltharness.runtime.Generation;
import org.meltharness.runtime.LoglikelihoodRequest;
import org.meltharness.runtime.LoglikelihoodResult;
import org.meltharness.runtime.Runtime;

/**
 * Echo scoring through the runtime's text interface ({@link Runtime#loglikelihood}): for runtimes
 * that do not take token ids, and for {@code melt_continuation_from}, which scores a
 * (context, continuation) pair of text exactly as in-process {@code eval} does.
 */
final class TextEcho {
    private TextEcho() {}

    static List<LogprobRows> rows(Runtime runtime, Optional<PromptTokens> tokens, CompletionRequest r,
            List<ServedModel.Input> inputs) {
        if (tokens.isEmpty() && r.continuationFrom() == null) {
            // Without the tokenizer's spans there are no token texts or text_offsets, and a client
            // splitting by offset would score the wrong tokens: refuse rather than mislead.
            throw ApiError.badRequest("echo", "this server cannot list the prompt's tokens and text offsets (the model "
                    + "has no tokenizer.json beside it); send melt_continuation_from to score a continuation");
        }
        List<LoglikelihoodRequest> requests = new ArrayList<>();
        List<Integer> scoredIndex = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            String p = inputs.get(i).text();
            Integer k = r.continuationFrom() == null ? null : r.continuationFrom().get(i);
            int at = k != null ? p.offsetByCodePoints(0, k) : tokens.map(t -> t.firstTokenEnd(p)).orElse(p.length());
            if (at >= p.length()) continue; // one token: nothing before it to score it on
            requests.add(new LoglikelihoodRequest(p.substring(0, at), p.substring(at)));
            scoredIndex.add(i);
        }
        List<Scores.Scored> scored = requests.isEmpty() ? List.of()
                : Scores.score(r.logprobs(), observer -> runtime.loglikelihood(requests, observer));
        List<LogprobRows> out = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            int j = scoredIndex.indexOf(i);
            Scores.Scored s = j < 0 ? null : scored.get(j);
            LogprobRows rows = new LogprobRows(tokens);
            Integer k = r.continuationFrom() == null ? null : r.continuationFrom().get(i);
            add(s, tokens, inputs.get(i).text(), true, rows, 0);
            rows.melt(melt(s == null ? null : s.result(), k));
            out.add(rows);
        }
        return out;
    }

    /**
     * The generated text scored after the prompt, or null where it does not encode to the tokens
     * generated (the first merges with the prompt's end): those are listed without log-probs.
     */
    static Scores.Scored generated(Runtime runtime, String prompt, Generation g, int topN) {
        int expected = g.tokens().length - (g.finishReason() == Generation.FinishReason.END_OF_SEQUENCE ? 1 : 0);
        if (g.text().isEmpty() || expected < 1) return null;
        try {
            Scores.Scored s = Scores.score(topN, observer -> runtime.loglikelihood(
                    List.of(new LoglikelihoodRequest(prompt, g.text())), observer)).getFirst();
            return s.result().continuationTokens() == expected ? s : null;
        } catch (HarnessException e) {
            if (e.exitCode() == HarnessException.BAD_DATA) return null; // encodes to no tokens of its own
            throw e;
        }
    }

    /**
     * Lists tokens of {@code text} with their log-probs: with {@code whole}, every token of the
     * text, those before the scored tail with null; otherwise only the scored tail.
     */
    private static void add(Scores.Scored s, Optional<PromptTokens> tokens, String text, boolean whole, LogprobRows rows,
            int shift) {
        LoglikelihoodResult res = s == null ? null : s.result();
        int n = res == null ? 0 : res.continuationTokens();
        PromptTokens.Pieces pieces = tokens.map(t -> whole ? t.all(text) : t.tail(text, n)).orElse(null);
        int listed = pieces == null ? n : pieces.texts().length;
        int lead = listed - n;
        for (int j = 0; j < listed; j++) {
            String piece = pieces == null ? "" : pieces.texts()[j];
            int offset = pieces == null ? -1 : pieces.offsets()[j] + shift;
            int at = j - lead;
            if (at < 0) rows.addUnscored(piece, offset);
            else rows.add(piece, res.tokenLogprobs()[at], s.top() == null ? null : s.top()[at], offset);
        }
    }

    private static ObjectNode melt(LoglikelihoodResult result, Integer from) {
        ObjectNode m = ServedModel.JSON.objectNode();
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
