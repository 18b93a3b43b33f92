package org.meltharness.runtime.http;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.meltharness.runtime.Runtime;
import org.meltharness.runtime.TokenInput;
import org.meltharness.tokenize.TokenizedPair;

/**
 * Echo scoring on token ids, for runtimes that take them ({@link TokenInput}): the prompt's rows
 * from its own ids, and the generated tokens' rows as the ids generated.
 */
final class TokenEcho {
    private TokenEcho() {}

    /**
     * The echoed prompts' rows, every prompt scored in one runtime call (so shared prefixes are
     * computed once). Each prompt's first listed token gets null (nothing but BOS precedes it, as
     * with OpenAI and vLLM); every later one its log-prob given the tokens before it.
     */
    static List<LogprobRows> rows(TokenInput tokenInput, Optional<PromptTokens> tokens, CompletionRequest r,
            List<ServedModel.Input> inputs) {
        List<TokenizedPair> pairs = new ArrayList<>();
        List<Integer> scoredIndex = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            ServedModel.Input in = inputs.get(i);
            if (in.listed() < 2) continue; // one token: nothing before it to score it on
            int split = in.lead() + 1;
            pairs.add(new TokenizedPair(Arrays.copyOf(in.ids(), split), Arrays.copyOfRange(in.ids(), split, in.ids().length)));
            scoredIndex.add(i);
        }
        List<Scores.Scored> scored = pairs.isEmpty() ? List.of()
                : Scores.score(r.logprobs(), observer -> tokenInput.loglikelihoodTokens(pairs, observer));
        List<LogprobRows> out = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            ServedModel.Input in = inputs.get(i);
            PromptTokens.Pieces pieces = in.prompt().isTokens() ? tokens.get().ofIds(in.ids()) : tokens.get().all(in.text());
            int j = scoredIndex.indexOf(i);
            Scores.Scored s = j < 0 ? null : scored.get(j);
            LogprobRows rows = new LogprobRows(tokens);
            for (int k = 0; k < pieces.texts().length; k++) {
                if (s == null || k == 0 || k - 1 >= s.result().tokenLogprobs().length) {
                    rows.addUnscored(pieces.texts()[k], pieces.offsets()[k]);
                } else {
                    rows.add(pieces.texts()[k], s.result().tokenLogprobs()[k - 1], s.top() == null ? null : s.top()[k - 1],
                            pieces.offsets()[k]);
                }
            }
            out.add(rows);
        }
        return out;
    }

    /**
     * Lists each generated token after the prompt's rows, with its log-prob given the prompt and the
     * tokens generated before it: scored as the ids generated, on a runtime that takes ids; on
     * others as text after the prompt, and listed without log-probs where that text does not encode
     * to the same tokens (a token that merges with the prompt's end).
     */
    static void addGenerated(Runtime runtime, TokenInput tokenInput, CompletionRequest r, List<ServedModel.Input> inputs,
            List<ServedModel.Gen> gens, List<LogprobRows> rows) {
        List<Integer> which = new ArrayList<>();
        for (int i = 0; i < gens.size(); i++) if (gens.get(i) != null && gens.get(i).g().tokens().length > 0) which.add(i);
        if (which.isEmpty()) return;
        List<Scores.Scored> scored = new ArrayList<>();
        if (tokenInput != null && inputs.stream().allMatch(in -> in.ids() != null)) {
            List<TokenizedPair> pairs = which.stream()
                    .map(i -> new TokenizedPair(inputs.get(i).ids(), gens.get(i).g().tokens())).toList();
            scored.addAll(Scores.score(r.logprobs(), observer -> tokenInput.loglikelihoodTokens(pairs, observer)));
        } else {
            for (int i : which) scored.add(TextEcho.generated(runtime, inputs.get(i).text(), gens.get(i).g(), r.logprobs()));
        }
        for (int w = 0; w < which.size(); w++) {
            int i = which.get(w);
            ServedModel.Gen gen = gens.get(i);
            Scores.Scored s = scored.get(w);
            String prompt = inputs.get(i).text();
            int at = r.echo() ? prompt.codePointCount(0, prompt.length()) : 0;
            for (int k = 0; k < gen.deltas().size(); k++) {
                String text = gen.deltas().get(k);
                if (s == null || k >= s.result().tokenLogprobs().length) {
                    rows.get(i).addUnscored(text, at);
                } else {
                    rows.get(i).add(text, s.result().tokenLogprobs()[k], s.top() == null ? null : s.top()[k], at);
                }
                at += text.codePointCount(0, text.length());
            }
        }
    }

}
