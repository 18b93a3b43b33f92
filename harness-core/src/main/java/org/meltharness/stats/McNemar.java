package org.meltharness.stats;

/**
 * McNemar's exact test on paired correctness: of the documents the two runs disagree on, how
 * unlikely is a split this uneven if either run were as likely to be the right one.
 *
 * @param onlyA documents only run A got right
 * @param onlyB documents only run B got right
 * @param p two-sided exact p-value, {@code min(1, 2 P(X <= min(onlyA, onlyB)))} for X ~ Bin(onlyA + onlyB, 1/2)
 */
public record McNemar(int onlyA, int onlyB, double p) {

    public static McNemar test(boolean[] correctA, boolean[] correctB) {
        if (correctA.length != correctB.length) throw new IllegalArgumentException("runs of different documents");
        int a = 0;
        int b = 0;
        for (int i = 0; i < correctA.length; i++) {
            if (correctA[i] && !correctB[i]) a++;
            if (!correctA[i] && correctB[i]) b++;
        }
        return new McNemar(a, b, exactP(a, b));
    }

    /** The two-sided exact binomial p-value, summed in log space so that thousands of documents do not overflow. */
    static double exactP(int a, int b) {
        int n = a + b;
        if (n == 0) return 1.0;
        int k = Math.min(a, b);
        double logHalfN = -n * Math.log(2);
        double sum = 0;
        for (int i = 0; i <= k; i++) sum += Math.exp(logChoose(n, i) + logHalfN);
        return Math.min(1.0, 2 * sum);
    }

    private static double logChoose(int n, int k) {
        return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
    }

    private static double logFactorial(int n) {
        double s = 0;
        for (int i = 2; i <= n; i++) s += Math.log(i);
        return s;
    }
}
