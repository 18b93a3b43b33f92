package org.meltharness.runtime.llamacpp;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.meltharness.HarnessException;
import org.meltharness.runtime.DecodeLoop;
import org.meltharness.runtime.Generation;
import org.meltharness.runtime.GenerationRequest;
import org.meltharness.runtime.TokenListener;

/**
 * Generates text on an empty {@link LlamaContext} through llama.cpp's samplers: the prompt is run
 * once, then each drawn token at the next position. Greedy is {@code llama_sampler_init_greedy}
 * (the first arg-max); a temperature above 0 is {@code temp} then {@code dist} seeded from the
 * request. Every token's time from the request's start is recorded.
 *
 * <p>Each token is drawn as {@code llama_sampler_sample} draws it (candidates from the logits,
 * {@code llama_sampler_apply}, {@code llama_sampler_accept}) but into a candidate buffer kept for
 * the whole request: {@code llama_sampler_sample} allocates that buffer anew for every token, which
 * on a 49,152-token vocabulary cost 0.36 ms a token (fresh pages each time), 4% of a one-thread
 * Q4_0 decode step of SmolLM2-135M and most of what this runtime's generation lagged behind the
 * library's own.
 */
final class Generator {
    private final LlamaTokenizer tokenizer;
    private final int window;

    Generator(LlamaTokenizer tokenizer, int window) {
        this.tokenizer = tokenizer;
        this.window = window;
    }

    /** Cells a context needs for {@code prompt} (as {@link #prompt} or {@link #keep} gives it) and the tokens to generate. */
    int cellsNeeded(int[] prompt, GenerationRequest request) {
        return (int) Math.min(window, (long) prompt.length + request.maxTokens());
    }

    /** The request's prompt tokenized, as it will be run. */
    int[] promptOf(GenerationRequest request) {
        return prompt(request);
    }

    /** Token ids given as they are (a server's token-id prompt), kept as {@link #keep} keeps them. */
    int[] promptOf(int[] tokens, GenerationRequest request) {
        if (tokens.length == 0) throw HarnessException.usage("a token-id prompt must hold at least one token");
        return keep(tokens, request.maxTokens(), window);
    }

    /** Generates after {@code prompt}, which {@link #promptOf} made. */
    Generation generate(LlamaContext ctx, int[] prompt, GenerationRequest request, TokenListener listener) {
        long t0 = System.nanoTime();
        LlamaModel model = ctx.model();
        LlamaCpp lib = model.lib();
        LlamaContext.Batch batch = ctx.batch();
        MemorySegment sampler = sampler(lib, request);
        int vocab = ctx.vocabularySize();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment logits = arena.allocate(JAVA_FLOAT, vocab);
            MemorySegment candidates = arena.allocate(Layouts.TOKEN_DATA, vocab);
            MemorySegment array = arena.allocate(Layouts.TOKEN_DATA_ARRAY);
            for (int start = 0; start < prompt.length; start += batch.capacity()) {
                batch.clear();
                int end = Math.min(prompt.length, start + batch.capacity());
                for (int p = start; p < end; p++) batch.add(prompt[p], p, 0, 1, p == prompt.length - 1);
                ctx.decode();
            }
            long prefillNanos = System.nanoTime() - t0;

            DecodeLoop.Decoder decoder = new DecodeLoop.Decoder() {
                @Override
                public int draw() {
                    try {
                        ctx.lastLogits(logits);
                        return Generator.draw(lib, logits, sampler, candidates, array, vocab);
                    } catch (Throwable t) {
                        throw LlamaCpp.rethrow(t);
                    }
                }

                @Override
                public void feed(int token, int position) {
                    batch.clear();
                    batch.add(token, position, 0, 1, true);
                    ctx.decode();
                }
            };
            return new DecodeLoop(tokenizer, model::isEndOfGeneration, window)
                    .run(request, prompt.length, t0, prefillNanos, decoder, listener);
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        } finally {
            try {
                lib.samplerFree.invokeExact(sampler);
            } catch (Throwable t) {
                throw LlamaCpp.rethrow(t);
            }
        }
    }

    /** {@code llama_sampler_sample(sampler, ctx, -1)} with the candidates in {@code candidates}. */
    private static int draw(LlamaCpp lib, MemorySegment logits, MemorySegment sampler, MemorySegment candidates,
            MemorySegment array, int vocab) throws Throwable {
        for (int i = 0; i < vocab; i++) {
            long at = i * 12L;
            candidates.set(JAVA_INT, at, i);
            candidates.set(JAVA_FLOAT, at + 4, logits.getAtIndex(JAVA_FLOAT, i));
            candidates.set(JAVA_FLOAT, at + 8, 0f);
        }
        array.set(ADDRESS, 0, candidates);
        array.set(JAVA_LONG, 8, vocab);
        array.set(JAVA_LONG, 16, -1L);
        array.set(JAVA_BOOLEAN, 24, false);
        lib.samplerApply.invokeExact(sampler, array);
        long selected = array.get(JAVA_LONG, 16);
        long size = array.get(JAVA_LONG, 8);
        if (selected < 0 || selected >= size) throw new IllegalStateException("the sampler selected no token");
        // Samplers may point data elsewhere (the library's own contract), so it is read back.
        MemorySegment data = array.get(ADDRESS, 0).reinterpret(size * 12L);
        int token = data.get(JAVA_INT, selected * 12L);
        lib.samplerAccept.invokeExact(sampler, token);
        return token;
    }

    /**
     * The prompt's tokens as they are run. lm-evaluation-harness's {@code generate_until} keeps the
     * last {@code window - max_tokens} tokens, and so does this, as long as that leaves the prompt at
     * least half the window: lm-eval's tasks ask for a few hundred tokens of a window of thousands.
     * A larger {@code max_tokens} (a server client asking for "as much as fits") would cut the prompt
     * to a few tokens, or its last one, and answer something unrelated without a word; there the
     * prompt is kept whole, as llama.cpp's own server keeps it, and generation stops when the window
     * is full (finish reason {@code CONTEXT_FULL}). A prompt that fills the window by itself is then
     * refused in one line.
     */
    private int[] prompt(GenerationRequest request) {
        int bos = tokenizer.prefixTokenId();
        int[] prompt = request.prompt().isEmpty() ? new int[] {bos} : tokenizer.encode(request.prompt());
        if (prompt.length == 0) prompt = new int[] {bos};
        return keep(prompt, request.maxTokens(), window);
    }

    /** {@link #prompt}'s rule on token ids. */
    static int[] keep(int[] prompt, int maxTokens, int window) {
        if ((long) prompt.length + maxTokens <= window) return prompt;
        if (maxTokens <= window / 2) {
            int keep = window - maxTokens;
            return prompt.length > keep ? Arrays.copyOfRange(prompt, prompt.length - keep, prompt.length) : prompt;
        }
        if (prompt.length >= window) {
            throw HarnessException.usage("a prompt of " + prompt.length + " tokens leaves no room to generate in the model's "
                    + "window of " + window + " tokens (max_tokens " + maxTokens + " is more than half the window, so the "
                    + "prompt is not cut to make room); shorten the prompt or ask for at most " + window / 2 + " tokens");
        }
        return prompt;
    }

    private static MemorySegment sampler(LlamaCpp lib, GenerationRequest request) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = arena.allocate(Layouts.SAMPLER_CHAIN_PARAMS);
            params.set(JAVA_BOOLEAN, 0, true);
            MemorySegment chain = (MemorySegment) lib.samplerChainInit.invokeExact(params);
            if (request.temperature() == 0) {
                lib.samplerChainAdd.invokeExact(chain, (MemorySegment) lib.samplerInitGreedy.invokeExact());
            } else {
                lib.samplerChainAdd.invokeExact(chain, (MemorySegment) lib.samplerInitTemp.invokeExact(
                        (float) request.temperature()));
                lib.samplerChainAdd.invokeExact(chain, (MemorySegment) lib.samplerInitDist.invokeExact(
                        (int) request.seed()));
            }
            return chain;
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        }
    }
}
