package org.meltharness.runtime.llamacpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.oracle.LmEvalOracle;
import org.meltharness.runtime.LoglikelihoodRequest;
import org.meltharness.runtime.LoglikelihoodResult;
import org.meltharness.task.DocRequests;
import org.meltharness.tokenize.PairEncoder;
import org.meltharness.tokenize.TokenizedPair;

/**
 * Sharing prefixes and packing many sequences into one {@code llama_decode} give the values of
 * scoring each request alone from an empty cache, however the requests are cut into rounds.
 */
class BatchScorerTest {
    /**
     * Batch composition changes which float32 kernels run and in what order they sum (about 1e-6 per
     * token, 3e-5 on a 20-token continuation's sum); nothing else may differ.
     */
    private static final double SAME_TOKEN = 2e-5;
    private static final double SAME_SUM = 1e-4;

    @TempDir
    static Path cache;

    private static List<LoglikelihoodRequest> requests;
    private static List<LoglikelihoodResult> alone;

    @BeforeAll
    static void scoreEachRequestAlone() {
        requests = new ArrayList<>();
        for (String name : List.of("arc_easy-5shot", "winogrande-0shot", "truthfulqa_mc2-0shot")) {
            LmEvalOracle.Run run = LmEvalOracle.runs().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
            List<DocRequests> docs = LmEvalOracle.ourRequests(run);
            for (DocRequests d : docs.subList(0, Math.min(4, docs.size()))) {
                for (DocRequests.Request r : d.requests()) requests.add(new LoglikelihoodRequest(r.context(), r.continuation()));
            }
        }
        requests.add(requests.get(3)); // a duplicate shares every token with its twin
        alone = new ArrayList<>();
        try (LlamaCppRuntime rt = TestModels.open(TestModels.f32(), cache)) {
            for (LoglikelihoodRequest r : requests) {
                rt.scorer().reset();
                alone.add(rt.loglikelihood(List.of(r)).getFirst());
            }
        }
    }

    @AfterAll
    static void done() {
        requests = null;
    }

    private static void assertSameAsAlone(List<LoglikelihoodResult> results, String how) {
        assertEquals(alone.size(), results.size());
        for (int i = 0; i < alone.size(); i++) {
            LoglikelihoodResult a = alone.get(i);
            LoglikelihoodResult b = results.get(i);
            assertEquals(a.logLikelihood(), b.logLikelihood(), SAME_SUM, how + ": request " + i);
            assertEquals(a.greedy(), b.greedy(), how + ": request " + i);
            assertEquals(a.contextTokens(), b.contextTokens());
            assertEquals(a.continuationTokens(), b.continuationTokens());
            assertEquals(a.truncated(), b.truncated());
            for (int k = 0; k < a.tokenLogprobs().length; k++) {
                assertEquals(a.tokenLogprobs()[k], b.tokenLogprobs()[k], SAME_TOKEN, how + ": request " + i + " token " + k);
            }
        }
    }

    @Test
    void oneCallWithSharedPrefixesEqualsEachAlone() {
        try (LlamaCppRuntime rt = TestModels.open(TestModels.f32(), cache)) {
            BatchScorer.Work before = rt.scorer().work();
            List<LoglikelihoodResult> results = rt.loglikelihood(requests);
            BatchScorer.Work work = rt.scorer().work().since(before);
            assertSameAsAlone(results, "default settings");
            int reused = results.stream().mapToInt(LoglikelihoodResult::reusedTokens).sum();
            int total = results.stream().mapToInt(r -> r.contextTokens() + r.continuationTokens() - 1).sum();
            assertTrue(reused > total / 2, "choices share their context: " + reused + " of " + total + " tokens reused");
            assertEquals(total - reused, work.computedRows(), "rows computed = input tokens not reused");
            // The output head runs once per distinct scored prefix (the last context token of a
            // document's choices is one row for all of them), but for a document whose choices fall
            // into two rounds: the later round computes that row again, as the resident prefix keeps
            // no logits (about 1% of the rows here).
            Set<List<Integer>> scoredPrefixes = new HashSet<>();
            for (LoglikelihoodRequest r : requests) {
                TokenizedPair pair = PairEncoder.encode(rt.llamaTokenizer(), r.context(), r.continuation());
                List<Integer> full = IntStream.concat(IntStream.of(pair.context()), IntStream.of(pair.continuation()))
                        .boxed().toList();
                for (int end = pair.context().length; end < full.size(); end++) scoredPrefixes.add(full.subList(0, end));
            }
            int continuationTokens = results.stream().mapToInt(LoglikelihoodResult::continuationTokens).sum();
            long scored = work.scoredRows();
            assertTrue(scored >= scoredPrefixes.size() && scored <= scoredPrefixes.size() * 1.05,
                    scored + " rows scored for " + scoredPrefixes.size() + " distinct prefixes");
            assertTrue(scored < continuationTokens, scored + " rows scored for " + continuationTokens + " tokens");
            LoglikelihoodResult twin = results.getLast();
            assertEquals(twin.contextTokens() + twin.continuationTokens() - 1, twin.reusedTokens(),
                    "a duplicate computes nothing of its own");
            assertTrue(results.stream().allMatch(r -> r.totalNanos() >= r.prefillNanos() && r.prefillNanos() >= 0));
        }
    }

    @Test
    void tinyRoundsAndTwoSequencesGiveTheSameValues() {
        // One sequence per round besides the resident prefix, rounds of 64 tokens, a 640-cell cache.
        try (LlamaCppRuntime rt = TestModels.open(TestModels.f32(), cache,
                Map.of("seqs", "2", "ubatch", "64", "batch", "64", "ctx", "640"))) {
            assertSameAsAlone(rt.loglikelihood(requests), "seqs=2 ubatch=64");
        }
    }

    @Test
    void theSharedPrefixIsKeptAcrossCalls() {
        try (LlamaCppRuntime rt = TestModels.open(TestModels.f32(), cache)) {
            List<LoglikelihoodResult> results = new ArrayList<>();
            for (LoglikelihoodRequest r : requests) results.addAll(rt.loglikelihood(List.of(r)));
            assertSameAsAlone(results, "one request per call");
            // The second choice of the first document reuses the context the first choice left resident.
            assertTrue(results.get(1).reusedTokens() >= results.get(1).contextTokens() - 1, results.get(1).toString());
        }
    }

    @Test
    void theObserverSeesEveryScoredTokenOnce() {
        try (LlamaCppRuntime rt = TestModels.open(TestModels.f32(), cache)) {
            int[][] seen = new int[requests.size()][];
            List<LoglikelihoodResult> results = rt.loglikelihood(requests, (request, position, target, logits) -> {
                if (seen[request] == null) seen[request] = new int[64];
                seen[request][position]++;
                assertEquals(512, logits.length);
            });
            for (int i = 0; i < requests.size(); i++) {
                for (int k = 0; k < results.get(i).continuationTokens(); k++) assertEquals(1, seen[i][k], "request " + i);
            }
        }
    }

    /**
     * llama.cpp 0.5.0 refuses a batch row shared by two sequences ("coupled") whose cached positions
     * differ. Two neighbours can take different lengths from the resident prefix (one needs logits
     * inside it): they must not share rows, and the values must still be those of each alone.
     */
    @Test
    void neighboursThatTookDifferentlyFromTheResidentPrefixShareNoRows() {
        try (LlamaCppRuntime rt = TestModels.open(TestModels.f32(), cache)) {
            BatchScorer scorer = rt.scorer();
            scorer.reset();
            scorer.score(List.of(new TokenizedPair(new int[] {1, 10, 11, 12, 13}, new int[] {14})), null);
            assertEquals(5, scorer.residentTokens());
            // Inputs [1 10 11 12 13] and [1 10 11 12 13 20]: the first is scored from position 1, so it takes one
            // token from the resident prefix, the second four; both would run token 13 at position 4.
            List<TokenizedPair> pairs = List.of(new TokenizedPair(new int[] {1, 10}, new int[] {11, 12, 13, 20}),
                    new TokenizedPair(new int[] {1, 10, 11, 12, 13}, new int[] {20, 21}));
            List<LoglikelihoodResult> together = scorer.score(pairs, null);
            assertEquals(1, together.get(0).reusedTokens());
            assertEquals(4, together.get(1).reusedTokens());
            for (int i = 0; i < pairs.size(); i++) {
                scorer.reset();
                LoglikelihoodResult alone = scorer.score(List.of(pairs.get(i)), null).getFirst();
                assertEquals(alone.logLikelihood(), together.get(i).logLikelihood(), SAME_SUM, "pair " + i);
            }
        }
    }
}
