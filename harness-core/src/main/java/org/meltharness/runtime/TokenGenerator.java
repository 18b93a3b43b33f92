package org.meltharness.runtime;

import java.util.Arrays;
import java.util.Set;
import org.meltharness.runtime.Generation;
import org.meltharness.runtime.GenerationRequest;
import org.meltharness.runtime.TokenListener;
import org.meltharness.runtime.TokenModel;
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
        TextStream stream = new TextStream(tokenizer, request.stop());
        int[] tokens = new int[Math.min(request.maxTokens(), window) + 1];
        long[] nanos = new long[tokens.length];
        int n = 0;
        Generation.FinishReason finish = null;
        while (finish == null) {
            int next = sampler.next(logits);
            tokens[n] = next;
            nanos[n] = System.nanoTime() - t0;
            n++;
            String delta;
            if (request.stopAtEos() && eos.contains(next)) {
                finish = Generation.FinishReason.END_OF_SEQUENCE;
                delta = "";
            } else {
                delta = stream.add(next);
                if (stream.stopped()) finish = Generation.FinishReason.STOP_STRING;
                else if (n == request.maxTokens()) finish = Generation.FinishReason.MAX_TOKENS;
                // The token just drawn would run at position prompt + n - 1; the window ends before it.
                else if (prompt.length + n - 1 >= window) finish = Generation.FinishReason.CONTEXT_FULL;
            }
            if (finish != null) delta += stream.flush();
            listener.onToken(next, delta);
            if (finish == null) model.forward(new int[] {next}, prompt.length + n - 1, 0, sink);
        }
        long total = System.nanoTime() - t0;
        return new Generation(stream.text(), Arrays.copyOf(tokens, n), Arrays.copyOf(nanos, n), prompt.length,
                prefillNanos, total, finish);
    }
}
