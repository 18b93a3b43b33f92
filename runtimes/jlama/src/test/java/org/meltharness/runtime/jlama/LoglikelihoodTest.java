package org.meltharness.runtime.jlama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.tensor.AbstractTensor;
import com.github.tjake.jlama.tensor.KvBufferCache;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.meltharness.runtime.LoglikelihoodRequest;
import org.meltharness.runtime.LoglikelihoodResult;
import org.meltharness.runtime.SharedPrefixScorer;
import org.meltharness.tokenize.HfTokenizer;
import org.meltharness.tokenize.PairEncoder;
import org.meltharness.tokenize.TokenizedPair;

/** Log-likelihoods through the runtime against Jlama run plainly, one token at a time from scratch. */
class LoglikelihoodTest {
    private static final String STORY = "Once upon a time, there was a little girl named Lily. She loved to play "
            + "outside in the park. One day, she saw a big, red ball.";
    private static final List<LoglikelihoodRequest> REQUESTS = List.of(
            new LoglikelihoodRequest("Once upon a time, there was a little", " girl"),
            new LoglikelihoodRequest("Once upon a time, there was a little", " dog"),
            new LoglikelihoodRequest("Once upon a time, there was a little ", "boy named Tom."),
            new LoglikelihoodRequest("", "Once upon a time"),
            new LoglikelihoodRequest("Tom had a red kite. He", " flew it in the sky with his friend Sam."),
            new LoglikelihoodRequest(STORY, " She wanted to play with it."),
            new LoglikelihoodRequest(STORY + " She", " ran to get it \ud83d\ude00."));

    private static JlamaRuntime rt;
    private static HfTokenizer tok;

    @BeforeAll
    static void open() {
        rt = TestModels.open(TestModels.pad192(), "f32", null);
        tok = HfTokenizer.load(TestModels.pad192());
    }

    @AfterAll
    static void close() {
        tok.close();
        rt.close();
    }

    @Test
    void equalsAPlainForwardPassFromScratch() {
        List<LoglikelihoodResult> results = rt.loglikelihood(REQUESTS);
        assertEquals(REQUESTS.size(), results.size());
        for (int i = 0; i < REQUESTS.size(); i++) {
            LoglikelihoodRequest r = REQUESTS.get(i);
            TokenizedPair pair = PairEncoder.encode(tok, r.context(), r.continuation());
            double[] expected = plainLogProbs(rt.model(), pair);
            LoglikelihoodResult got = results.get(i);
            assertEquals(pair.continuation().length, got.continuationTokens(), r.toString());
            double sum = 0;
            for (int k = 0; k < expected.length; k++) {
                assertEquals(expected[k], got.tokenLogprobs()[k], 1e-5, r + " token " + k);
                sum += expected[k];
            }
            assertEquals(sum, got.logLikelihood(), 1e-5, r.toString());
            assertTrue(got.logLikelihood() < 0);
            assertFalse(got.truncated());
        }
        // The model's own greedy continuation is greedy; " dog" after "a little" is not.
        assertTrue(results.get(0).greedy());
        assertFalse(results.get(1).greedy());
    }

    @Test
    void prefixReuseGivesTheNumbersOfNoReuse() {
        List<LoglikelihoodResult> batch = rt.loglikelihood(REQUESTS);
        assertTrue(batch.stream().anyMatch(r -> r.reusedTokens() > 0), "shared contexts were reused");
        for (int i = 0; i < REQUESTS.size(); i++) {
            LoglikelihoodRequest r = REQUESTS.get(i);
            TokenizedPair pair = PairEncoder.encode(tok, r.context(), r.continuation());
            try (JlamaTokenModel fresh = new JlamaTokenModel(rt.model(), 512)) {
                LoglikelihoodResult alone = new SharedPrefixScorer(fresh, 512).score(List.of(pair)).getFirst();
                assertEquals(0, alone.reusedTokens());
                assertEquals(alone.logLikelihood(), batch.get(i).logLikelihood(), 1e-5, r.toString());
                assertEquals(alone.greedy(), batch.get(i).greedy(), r.toString());
            }
        }
    }

    @Test
    void scoringNoneRunsEveryRequestFromScratchWithTheSameNumbers() {
        List<LoglikelihoodResult> shared = rt.loglikelihood(REQUESTS);
        try (JlamaRuntime none = JlamaRuntime.open(TestModels.pad192(), new org.meltharness.runtime.RuntimeConfig(
                org.meltharness.runtime.ModelSource.local(TestModels.pad192()), "f32", 0, null, true,
                java.util.Map.of(JlamaRuntime.SCORING, "none")))) {
            List<LoglikelihoodResult> alone = none.loglikelihood(REQUESTS);
            assertEquals("none", none.info().details().get(JlamaRuntime.SCORING));
            for (int i = 0; i < REQUESTS.size(); i++) {
                assertEquals(0, alone.get(i).reusedTokens(), "request " + i + " reused a cached prefix");
                assertEquals(shared.get(i).logLikelihood(), alone.get(i).logLikelihood(), 1e-5, REQUESTS.get(i).toString());
            }
            java.util.Set<Integer> observed = new java.util.TreeSet<>();
            none.loglikelihood(REQUESTS, (request, position, target, logits) -> observed.add(request));
            assertEquals(REQUESTS.size(), observed.size(), "each request's distributions under its own index: " + observed);
        }
    }

    @Test
    void inputsLongerThanTheWindowAreCutFromTheLeft() {
        String longContext = (STORY + " ").repeat(20);
        LoglikelihoodResult r = rt.loglikelihood(List.of(new LoglikelihoodRequest(longContext, " The end."))).getFirst();
        assertTrue(r.truncated());
        assertEquals(512, r.contextTokens() + r.continuationTokens() - 1, "(context + continuation)[-513:][:-1]");
        assertTrue(Double.isFinite(r.logLikelihood()));
    }

    /** Context then continuation, one token per batchForward in a fresh key/value buffer, log-softmax in double. */
    static double[] plainLogProbs(AbstractModel model, TokenizedPair pair) {
        int[] all = new int[pair.length()];
        System.arraycopy(pair.context(), 0, all, 0, pair.context().length);
        System.arraycopy(pair.continuation(), 0, all, pair.context().length, pair.continuation().length);
        int vocab = model.getConfig().vocabularySize;
        double[] out = new double[pair.continuation().length];
        try (KvBufferCache.KvBuffer kv = new KvBufferCache(model).getEphemeralKvBuffer();
                AbstractTensor logits = model.makeDenseTensor(1, vocab)) {
            for (int pos = 0; pos < all.length - 1; pos++) {
                AbstractTensor hidden = model.batchForward(new int[] {all[pos]}, pos, kv);
                int scored = pos + 1 - pair.context().length;
                if (scored >= 0) {
                    model.sample(hidden.slice(0), 0f, 0f, logits);
                    double max = Double.NEGATIVE_INFINITY;
                    for (int v = 0; v < vocab; v++) max = Math.max(max, logits.get(0, v));
                    double sum = 0;
                    for (int v = 0; v < vocab; v++) sum += Math.exp(logits.get(0, v) - max);
                    out[scored] = logits.get(0, all[pos + 1]) - max - Math.log(sum);
                }
                hidden.close();
            }
        }
        return out;
    }
}
