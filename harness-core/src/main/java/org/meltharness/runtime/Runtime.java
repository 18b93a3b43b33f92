package org.meltharness.runtime;

import java.util.List;

/**
 * One loaded model behind one engine: scores continuations and generates text.
 *
 * <p>Implementations keep results in request order, whatever order they compute in, and are used
 * from one thread at a time.
 */
public interface Runtime extends AutoCloseable {

    /** What was loaded: architecture, sizes, dtype, tokenizer. */
    ModelInfo info();

    /**
     * Log-likelihood of each continuation given its context, as lm-evaluation-harness's
     * {@code loglikelihood}: the sum of the continuation's token log-probs and whether every one of
     * those tokens is the greedy choice.
     */
    List<LoglikelihoodResult> loglikelihood(List<LoglikelihoodRequest> requests);

    /**
     * As {@link #loglikelihood(List)}, also showing every scored position's distribution to
     * {@code observer}. Runtimes that cannot expose their logits refuse.
     */
    default List<LoglikelihoodResult> loglikelihood(List<LoglikelihoodRequest> requests, DistributionObserver observer) {
        if (observer == null) return loglikelihood(requests);
        throw org.meltharness.HarnessException.unsupportedModel("runtime " + info().runtime()
                + " does not expose its token distributions, so fidelity against a reference cannot be measured on it");
    }

    /**
     * The model's tokenizer as this runtime applies it (a GGUF file's own, a folder's tokenizer.json);
     * empty where the tokens are a server's.
     */
    default java.util.Optional<org.meltharness.tokenize.TextTokenizer> tokenizer() {
        return java.util.Optional.empty();
    }

    /** Generates text from a prompt, reporting each token as it is produced. */
    Generation generate(GenerationRequest request, TokenListener listener);

    @Override
    void close();
}
