package org.meltharness.runtime;

import java.util.List;
import org.meltharness.tokenize.TokenizedPair;

/**
 * An optional capability of a {@link Runtime}: prompts given as token ids, scored and generated
 * from exactly those tokens, with no tokenizer in between and nothing (no BOS) added. {@code harness
 * serve} offers token-id prompts (as lm-evaluation-harness's {@code local-completions} sends them)
 * only on runtimes that implement it.
 */
public interface TokenInput {

    /**
     * As {@link Runtime#loglikelihood(List, DistributionObserver)} for pairs already tokenized: the
     * model sees {@code context ++ continuation} exactly (cut from the left only where longer than
     * the window, as lm-evaluation-harness cuts).
     *
     * @param observer sees every scored distribution; may be null
     */
    List<LoglikelihoodResult> loglikelihoodTokens(List<TokenizedPair> pairs, DistributionObserver observer);

    /**
     * As {@link Runtime#generate}, continuing exactly {@code prompt}; {@code request.prompt()} is
     * not read.
     */
    Generation generateTokens(int[] prompt, GenerationRequest request, TokenListener listener);
}
