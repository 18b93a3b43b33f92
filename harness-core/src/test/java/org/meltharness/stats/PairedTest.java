package org.meltharness.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PairedTest {
    private static boolean[] pattern(int bothRight, int onlyA, int onlyB, int bothWrong, boolean first) {
        int n = bothRight + onlyA + onlyB + bothWrong;
        boolean[] out = new boolean[n];
        int i = 0;
        for (int k = 0; k < bothRight; k++) out[i++] = true;
        for (int k = 0; k < onlyA; k++) out[i++] = first;
        for (int k = 0; k < onlyB; k++) out[i++] = !first;
        return out;
    }

    @Test
    void mcnemarExactPValuesMatchTheBinomialByHand() {
        // p = min(1, 2 * sum_{i<=min(b,c)} C(b+c, i) / 2^(b+c)), values from Python's math.comb.
        assertMcNemar(1, 6, 0.125);
        assertMcNemar(0, 5, 0.0625);
        assertMcNemar(30, 50, 0.03299261842647618);
        assertMcNemar(120, 90, 0.04511408786484073);
        assertMcNemar(5, 5, 1.0);
        assertMcNemar(0, 0, 1.0);
    }

    private static void assertMcNemar(int onlyA, int onlyB, double p) {
        McNemar m = McNemar.test(pattern(7, onlyA, onlyB, 3, true), pattern(7, onlyA, onlyB, 3, false));
        assertEquals(onlyA, m.onlyA());
        assertEquals(onlyB, m.onlyB());
        assertEquals(p, m.p(), 1e-12);
    }

    @Test
    void bootstrapIsSeededAndCentredOnTheObservedDifference() {
        double[] a = {1, 0, 1, 1, 0, 1, 0, 0};
        double[] b = {1, 1, 1, 1, 0, 1, 1, 0};
        PairedBootstrap x = PairedBootstrap.of(a, b, 2000, 0.95, 7);
        assertEquals(0.25, x.delta(), 1e-15);
        assertEquals(x, PairedBootstrap.of(a, b, 2000, 0.95, 7), "same seed, same interval");
        assertTrue(x.low() <= x.delta() && x.delta() <= x.high());
        assertTrue(x.low() >= 0, "B is never worse on any document, so no resample can favour A: " + x);
        assertEquals(0.0, PairedBootstrap.quantile(new double[] {0, 1}, 0), 0);
        assertEquals(0.25, PairedBootstrap.quantile(new double[] {0, 1}, 0.25), 1e-15);
    }

    @Test
    void bootstrapCoversAKnownDifferenceAboutAsOftenAsItSays() {
        // Paired Bernoulli documents: A right with p 0.5; B differs from A on 20% of documents,
        // right on 3/4 of those, so the true difference of means is 0.2 * (0.75 - 0.25) = 0.1.
        SplittableRandom r = new SplittableRandom(11);
        int replications = 200;
        int covered = 0;
        for (int rep = 0; rep < replications; rep++) {
            int n = 300;
            double[] a = new double[n];
            double[] b = new double[n];
            for (int i = 0; i < n; i++) {
                if (r.nextDouble() < 0.2) {
                    boolean bRight = r.nextDouble() < 0.75;
                    a[i] = bRight ? 0 : 1;
                    b[i] = bRight ? 1 : 0;
                } else {
                    a[i] = b[i] = r.nextDouble() < 0.5 ? 1 : 0;
                }
            }
            PairedBootstrap ci = PairedBootstrap.of(a, b, 1000, 0.95, rep);
            if (ci.low() <= 0.1 && 0.1 <= ci.high()) covered++;
        }
        double coverage = covered / (double) replications;
        assertTrue(coverage >= 0.90 && coverage <= 0.99, "coverage " + coverage);
    }
}
