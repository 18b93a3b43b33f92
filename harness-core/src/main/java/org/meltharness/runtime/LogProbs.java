package org.meltharness.runtime;

import java.util.Arrays;

/** The arithmetic every scorer shares, so that all runtimes turn raw logits into scores the same way. */
public final class LogProbs {
    private LogProbs() {}

    /** log softmax(logits)[target], in double as lm-eval's scores are compared to. */
    public static double logSoftmaxAt(float[] logits, int target) {
        return logits[target] - logSumExp(logits);
    }

    /** log sum exp(logits) in double: the normaliser, for a row read at several targets. */
    public static double logSumExp(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) if (v > max) max = v;
        double sum = 0;
        for (float v : logits) sum += Math.exp(v - max);
        return max + Math.log(sum);
    }

    /** The first index of the largest value, as torch.argmax picks on ties. */
    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }

    /** How many leading tokens two sequences share: what a cached prefix saves. */
    public static int commonPrefix(int[] a, int[] b) {
        int m = Math.min(a.length, b.length);
        int mismatch = Arrays.mismatch(a, 0, m, b, 0, m);
        return mismatch < 0 ? m : mismatch;
    }
}
