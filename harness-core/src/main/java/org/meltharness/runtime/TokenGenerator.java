package org.meltharness.runtime;

import java.util.Arrays;
import java.util.Set;
import org.meltharness.HarnessException;
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
        int[] prompt = request.prompt().isEmpty() ? new int[] {bos} : tokenizer.encode(request.prompt());
        return generate(model, prompt.length == 0 ? new int[] {bos} : prompt, request, listener);
    }

    /** Generates after exactly {@code prompt} (at least one token); {@code request.prompt()} is not read. */
    public Generation generate(TokenModel model, int[] prompt, GenerationRequest request, TokenListener listener) {
        long t0 = System.nanoTime();
        if (prompt.length == 0) throw new IllegalArgumentException("a prompt of no tokens");
        int window = model.contextLength();
        prompt = Arrays.copyOfRange(prompt, prompt.length - keep(prompt.length, request.maxTokens(), window), prompt.length);

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

    /**
     * How many of a prompt's last tokens are run. As lm-evaluation-harness's {@code generate_until}:
     * at most {@code window - maxTokens}, so that the answer fits. Where the answer alone would fill
     * the window, lm-eval's slice goes wrong (and the old rule here ran the prompt's last token only,
     * silently): the prompt is then kept whole and the window ends generation; a prompt longer than
     * the window is refused.
     */
    static int keep(int promptLength, int maxTokens, int window) {
        long room = (long) window - maxTokens; // long: maxTokens may be Integer.MAX_VALUE
        if (room >= 1) return (int) Math.min(promptLength, room);
        if (promptLength <= window) return promptLength;
        throw HarnessException.usage("a prompt of " + promptLength + " tokens and " + maxTokens
                + " new tokens do not fit the model's window of " + window + " tokens");
    }
}
