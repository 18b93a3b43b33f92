package org.meltharness.runtime;

import java.util.Arrays;
import java.util.Set;
import org.meltharness.tokenize.TextTokenizer;

/**
 * Generates text on a {@link TokenModel} whose key/value state is fresh: the prompt is run once,
 * then each new token at the next position, reusing the state of all before it.
 *
 * @param bos the token an empty prompt becomes
 * @param eos the tokens that end generation when the request asks to stop at end-of-sequence
 */
public record TokenGenerator(TextTokenizer tokenizer, int bos, Set<Integer> eos) {

    public Generation generate(TokenModel model, GenerationRequest request, TokenListener listener) {
        long t0 = System.nanoTime();
        int[] prompt = request.prompt().isEmpty() ? new int[] {bos} : tokenizer.encode(request.prompt());
        if (prompt.length == 0) prompt = new int[] {bos};
        int window = model.contextLength();
        // As lm-evaluation-harness's generate_until: keep the prompt's last (window - max tokens).
        int keep = Math.max(1, window - request.maxTokens());
        if (prompt.length > keep) prompt = Arrays.copyOfRange(prompt, prompt.length - keep, prompt.length);

        float[] logits = new float[model.vocabularySize()];
        TokenModel.LogitsSink sink = (row, l) -> System.arraycopy(l, 0, logits, 0, logits.length);
        model.forward(prompt, 0, prompt.length - 1, sink);
        long prefillNanos = System.nanoTime() - t0;

        TokenSampler sampler = new TokenSampler(request.temperature(), request.seed());
        DecodeLoop.Decoder decoder = new DecodeLoop.Decoder() {
            @Override
            public int draw() {
                return sampler.next(logits);
            }

            @Override
            public void feed(int token, int position) {
                model.forward(new int[] {token}, position, 0, sink);
            }
        };
        return new DecodeLoop(tokenizer, eos::contains, window).run(request, prompt.length, t0, prefillNanos, decoder, listener);
    }
}
