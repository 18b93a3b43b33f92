package org.meltharness.runtime;

import java.util.Arrays;
import java.util.function.IntPredicate;
import org.meltharness.tokenize.TextTokenizer;

/**
 * The token-by-token part of generation that every runtime shares once its prompt is processed:
 * draw a token, time it, stream its text, decide whether generation ends and why, else feed the
 * token back. One place, so that every runtime stops, streams and times tokens alike.
 *
 * @param endOfSequence the tokens that end generation when the request asks to stop at end-of-sequence
 * @param window the positions the model can attend over
 */
public record DecodeLoop(TextTokenizer tokenizer, IntPredicate endOfSequence, int window) {

    /** The engine side of the loop. */
    public interface Decoder {
        /** The next token, drawn from the distribution after the last token fed (or the prompt). */
        int draw();

        /** Runs {@code token} at {@code position}, so that the next draw follows it. */
        void feed(int token, int position);
    }

    /**
     * Generates after a prompt of {@code promptLength} tokens that the engine has already run.
     *
     * @param startNanos {@link System#nanoTime()} when the request started; token times count from it
     * @param prefillNanos how long the prompt took
     */
    public Generation run(GenerationRequest request, int promptLength, long startNanos, long prefillNanos, Decoder decoder,
            TokenListener listener) {
        TextStream stream = new TextStream(tokenizer, request.stop());
        int[] tokens = new int[Math.min(request.maxTokens(), window) + 1];
        long[] nanos = new long[tokens.length];
        int n = 0;
        Generation.FinishReason finish = null;
        while (finish == null) {
            int next = decoder.draw();
            tokens[n] = next;
            nanos[n] = System.nanoTime() - startNanos;
            n++;
            String delta;
            if (request.stopAtEos() && endOfSequence.test(next)) {
                finish = Generation.FinishReason.END_OF_SEQUENCE;
                delta = "";
            } else {
                delta = stream.add(next);
                if (stream.stopped()) finish = Generation.FinishReason.STOP_STRING;
                else if (n == request.maxTokens()) finish = Generation.FinishReason.MAX_TOKENS;
                // The token just drawn would run at position prompt + n - 1; the window ends before it.
                else if (promptLength + n - 1 >= window) finish = Generation.FinishReason.CONTEXT_FULL;
            }
            if (finish != null) delta += stream.flush();
            listener.onToken(next, delta);
            if (finish == null) decoder.feed(next, promptLength + n - 1);
        }
        long total = System.nanoTime() - startNanos;
        return new Generation(stream.text(), Arrays.copyOf(tokens, n), Arrays.copyOf(nanos, n), promptLength,
                prefillNanos, total, finish);
    }
}
