package org.meltharness.tokenize;

import java.util.Arrays;
import org.meltharness.HarnessException;
import org.meltharness.task.PyStr;

/**
 * Splits a (context, continuation) pair into tokens exactly as lm-evaluation-harness's
 * {@code TemplateLM._encode_pair} and {@code loglikelihood} do; the one owner of that rule.
 *
 * <p>Trailing whitespace of the context moves to the front of the continuation; the whole string is
 * encoded, and the continuation is what follows the context's own encoding. An empty context
 * becomes the prefix token, with the continuation encoded on its own.
 */
public final class PairEncoder {
    private PairEncoder() {}

    public static TokenizedPair encode(TextTokenizer tokenizer, String context, String continuation) {
        if (context.isEmpty()) {
            int[] cont = tokenizer.encode(continuation);
            return new TokenizedPair(new int[] {tokenizer.prefixTokenId()}, cont);
        }
        String ctx = PyStr.rstrip(context);
        String cont = context.substring(ctx.length()) + continuation;
        int[] whole = tokenizer.encode(ctx + cont);
        int[] ctxIds = tokenizer.encode(ctx);
        int[] contIds = Arrays.copyOfRange(whole, Math.min(ctxIds.length, whole.length), whole.length);
        if (contIds.length == 0) {
            throw HarnessException.badData("continuation '" + continuation + "' encodes to no tokens after context '"
                    + abbreviate(context) + "'");
        }
        return new TokenizedPair(ctxIds, contIds);
    }

    private static String abbreviate(String s) {
        String flat = s.replace("\n", "\\n");
        return flat.length() <= 60 ? flat : "..." + flat.substring(flat.length() - 57);
    }
}
