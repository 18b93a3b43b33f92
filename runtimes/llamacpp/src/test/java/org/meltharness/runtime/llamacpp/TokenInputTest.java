package org.meltharness.runtime.llamacpp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.HarnessException;
import org.meltharness.runtime.Generation;
import org.meltharness.runtime.GenerationRequest;
import org.meltharness.runtime.LoglikelihoodRequest;
import org.meltharness.runtime.LoglikelihoodResult;
import org.meltharness.runtime.TokenListener;
import org.meltharness.tokenize.PairEncoder;
import org.meltharness.tokenize.TokenizedPair;

/**
 * Token-id prompts (what serve gets from lm-evaluation-harness's local-completions): scored and
 * generated from exactly the ids given, equal to the text path for the ids the text encodes to.
 */
class TokenInputTest {
    @TempDir
    Path cache;

    @Test
    void idsScoreAndGenerateAsTheTextTheyEncode() {
        try (LlamaCppRuntime rt = TestModels.open(TestModels.f32(), cache)) {
            List<LoglikelihoodRequest> text = List.of(new LoglikelihoodRequest("Once upon a time", " there was"),
                    new LoglikelihoodRequest("The cat sat on the", " mat"), new LoglikelihoodRequest("Lily liked", " to play"));
            List<LoglikelihoodResult> viaText = rt.loglikelihood(text);
            List<TokenizedPair> pairs = text.stream().map(r -> PairEncoder.encode(rt.llamaTokenizer(), r.context(), r.continuation()))
                    .toList();
            List<LoglikelihoodResult> viaIds = rt.loglikelihoodTokens(pairs, null);
            for (int i = 0; i < text.size(); i++) {
                assertEquals(viaText.get(i).logLikelihood(), viaIds.get(i).logLikelihood(), 1e-9, "request " + i);
                assertEquals(viaText.get(i).greedy(), viaIds.get(i).greedy());
            }

            GenerationRequest request = new GenerationRequest("Once upon a time", 24, 0.0, 0, true, List.of());
            Generation fromText = rt.generate(request, TokenListener.NONE);
            int[] prompt = rt.llamaTokenizer().encode("Once upon a time");
            Generation fromIds = rt.generateTokens(prompt, request, TokenListener.NONE);
            assertArrayEquals(fromText.tokens(), fromIds.tokens());
            assertEquals(prompt.length, fromIds.promptTokens());
        }
    }

    @Test
    void anIdOutsideTheVocabularyIsOneLineNotACrash() {
        try (LlamaCppRuntime rt = TestModels.open(TestModels.f32(), cache)) {
            int vocab = rt.model().vocabularySize();
            HarnessException e = assertThrows(HarnessException.class, () -> rt.generateTokens(new int[] {1, vocab},
                    new GenerationRequest("", 2, 0.0, 0, true, List.of()), TokenListener.NONE));
            assertEquals(HarnessException.USAGE, e.exitCode());
            assertTrue(e.getMessage().contains("token id " + vocab + " is outside the model's vocabulary of " + vocab), e.getMessage());
            assertThrows(HarnessException.class, () -> rt.loglikelihoodTokens(
                    List.of(new TokenizedPair(new int[] {1}, new int[] {-3})), null));
        }
    }
}
