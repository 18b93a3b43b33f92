package org.meltharness.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.meltharness.tokenize.TextTokenizer;

/**
 * llama-bench's pp prompt: random tokens. The runtime interface takes text, so random token ids
 * are decoded and the text adjusted until it encodes (BOS included) to the wanted length; the
 * runtime's own count is what the run records.
 */
public final class SyntheticPrompt {
    private static final int ROUNDS = 64;

    private SyntheticPrompt() {}

    /** Text that encodes to {@code tokens} tokens (or as close as the tokenizer allows), the same for the same seed. */
    public static String of(TextTokenizer tokenizer, int tokens, int vocabularySize, long seed) {
        if (tokens < 1) throw new IllegalArgumentException("tokens must be at least 1");
        Random rnd = new Random(seed);
        List<Integer> ids = new ArrayList<>();
        String best = "";
        int bestMiss = Integer.MAX_VALUE;
        for (int round = 0; round < ROUNDS; round++) {
            String text = tokenizer.decode(ids.stream().mapToInt(Integer::intValue).toArray());
            int miss = tokenizer.encode(text).length - tokens;
            if (Math.abs(miss) < bestMiss) {
                bestMiss = Math.abs(miss);
                best = text;
            }
            if (miss == 0) break;
            // Re-encoding merges or splits pieces, so step half way and look again.
            int step = Math.max(1, Math.abs(miss) / 2 + (round < 2 ? Math.abs(miss) / 2 : 0));
            if (miss > 0) {
                for (int i = 0; i < step && !ids.isEmpty(); i++) ids.removeLast();
            } else {
                for (int i = 0; i < step; i++) ids.add(plainToken(tokenizer, vocabularySize, rnd));
            }
        }
        return best;
    }

    /** A random token that decodes to visible text on its own (not a special or partial-byte token). */
    private static int plainToken(TextTokenizer tokenizer, int vocabularySize, Random rnd) {
        for (int tries = 0; tries < 100; tries++) {
            int id = rnd.nextInt(vocabularySize);
            if (id == tokenizer.prefixTokenId() || id == tokenizer.eosTokenId()) continue;
            String s = tokenizer.decode(new int[] {id});
            if (!s.isBlank() && s.indexOf('\uFFFD') < 0) return id;
        }
        throw new IllegalStateException("no plain token found in a vocabulary of " + vocabularySize);
    }
}
