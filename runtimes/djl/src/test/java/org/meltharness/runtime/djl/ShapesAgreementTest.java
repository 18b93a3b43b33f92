package org.meltharness.runtime.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.SharedFiles;
import org.meltharness.model.RandomWeights;
import org.meltharness.oracle.LmEvalOracle;
import org.meltharness.runtime.LoglikelihoodRequest;
import org.meltharness.runtime.LoglikelihoodResult;
import org.meltharness.runtime.RuntimeConfig;
import org.meltharness.runtime.ModelSource;
import org.meltharness.task.DocRequests;
import org.meltharness.tokenize.HfTokenizer;
import org.meltharness.tokenize.PairEncoder;
import org.meltharness.tokenize.TokenizedPair;

/**
 * The real shapes we have no weights for, with the seeded random weights of {@code --weights random}
 * ({@link RandomWeights}): the DJL runtime's per-choice log-likelihoods, through its whole scoring
 * path (tokenizer, pair encoding, shared prefixes), agree with the plain-Java {@link ReferenceLlama}
 * within 1e-3, and so do the predicted choices. Few, short items: the reference is slow.
 */
class ShapesAgreementTest {
    @TempDir
    Path tmp;

    /** stories15M's config with the Llama 2 tokenizer (the shape folder has no tokenizer), on three HellaSwag items. */
    @Test
    void stories15m() throws IOException {
        Path shape = Files.createDirectories(tmp.resolve("stories15m"));
        Files.copy(SharedFiles.root().resolve("models/shapes/stories15m/config.json"), shape.resolve("config.json"));
        for (String f : List.of("tokenizer.json", "tokenizer_config.json")) {
            Files.copy(SharedFiles.root().resolve("models/shapes/llama2-tokenizer").resolve(f), shape.resolve(f));
        }
        LmEvalOracle.Run hellaswag = LmEvalOracle.runs().stream().filter(r -> r.task().equals("hellaswag")).findFirst()
                .orElseThrow();
        List<LoglikelihoodRequest> requests = new ArrayList<>();
        for (DocRequests d : LmEvalOracle.ourRequests(hellaswag).subList(0, 3)) {
            for (DocRequests.Request r : d.requests()) requests.add(new LoglikelihoodRequest(r.context(), r.continuation()));
        }
        agree(RandomWeights.materialize(shape, 1, tmp.resolve("cache")), requests, 4);
    }

    /** SmolLM2-135M: 30 layers, 9 query heads over 3 key/value heads, a 49,152-token vocabulary; two short items. */
    @Test
    void smollm2() {
        Path model = RandomWeights.materialize(SharedFiles.root().resolve("models/shapes/smollm2-135m"), 1, tmp.resolve("cache"));
        List<LoglikelihoodRequest> requests = new ArrayList<>();
        for (String choice : List.of(" a hammer.", " the sun.", " a glass of water.", " red.")) {
            requests.add(new LoglikelihoodRequest("Question: What do you use to drive a nail?\nAnswer:", choice));
        }
        for (String choice : List.of(" yes", " no")) requests.add(new LoglikelihoodRequest("Is ice cold?", choice));
        agree(model, requests, 4, 2);
    }

    /** Compares log-likelihoods per request and the arg-max choice per group of {@code choices} consecutive requests. */
    private static void agree(Path model, List<LoglikelihoodRequest> requests, int... choices) {
        List<LoglikelihoodResult> results;
        try (DjlRuntime rt = (DjlRuntime) new DjlRuntimeProvider().open(new RuntimeConfig(ModelSource.local(model), "f32",
                1, null, true, Map.of()))) {
            results = rt.loglikelihood(requests);
        }
        ReferenceLlama reference = new ReferenceLlama(model);
        double[] expected = new double[requests.size()];
        try (HfTokenizer tokenizer = HfTokenizer.load(model)) {
            for (int i = 0; i < requests.size(); i++) {
                TokenizedPair pair = PairEncoder.encode(tokenizer, requests.get(i).context(), requests.get(i).continuation());
                int[] all = new int[pair.length()];
                System.arraycopy(pair.context(), 0, all, 0, pair.context().length);
                System.arraycopy(pair.continuation(), 0, all, pair.context().length, pair.continuation().length);
                int first = pair.context().length - 1;
                double[][] logits = reference.logits(java.util.Arrays.copyOf(all, all.length - 1), first);
                for (int k = 0; k < pair.continuation().length; k++) {
                    expected[i] += ReferenceLlama.logProb(logits[first + k], pair.continuation()[k]);
                }
            }
        }
        double worst = 0;
        for (int i = 0; i < requests.size(); i++) worst = Math.max(worst, Math.abs(expected[i] - results.get(i).logLikelihood()));
        assertTrue(worst < 1e-3, model.getFileName() + ": max |ll difference| " + worst);
        int offset = 0;
        for (int group : choices.length == 1 ? repeat(choices[0], requests.size() / choices[0]) : choices) {
            assertEquals(argmax(expected, offset, group), argmax(results.stream().mapToDouble(LoglikelihoodResult::logLikelihood)
                    .toArray(), offset, group), "prediction of the item at request " + offset);
            offset += group;
        }
        System.out.printf("djl vs reference, %s: %d requests, max |ll difference| %.2e%n", model.getFileName(),
                requests.size(), worst);
    }

    private static int[] repeat(int value, int times) {
        int[] out = new int[times];
        java.util.Arrays.fill(out, value);
        return out;
    }

    private static int argmax(double[] v, int from, int n) {
        int best = from;
        for (int i = from + 1; i < from + n; i++) if (v[i] > v[best]) best = i;
        return best - from;
    }
}
