package org.meltharness.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StatsTest {
    @Test
    void stderrOfZeroOneScoresIsTheClosedForm() {
        double[] xs = {1, 0, 1, 1};
        assertEquals(0.75, Stats.mean(xs));
        assertEquals(Math.sqrt(0.75 * 0.25 / 3), Stats.meanStderr(xs), 1e-15);
        assertEquals(0.25, Stats.meanStderr(xs), 1e-15);
    }

    @Test
    void stderrOfContinuousScores() {
        double[] xs = {0.2, 0.4, 0.9};
        double mu = 0.5;
        double sd = Math.sqrt(((0.3 * 0.3) + (0.1 * 0.1) + (0.4 * 0.4)) / 2);
        assertEquals(mu, Stats.mean(xs), 1e-15);
        assertEquals(sd / Math.sqrt(3), Stats.meanStderr(xs), 1e-15);
        assertTrue(Double.isNaN(Stats.meanStderr(new double[] {1})), "undefined for one sample, as lm-eval's N/A");
    }

    @Test
    void groupsWeightBySizeAndPoolStderrs() {
        assertEquals((0.75 * 4 + 0.3 * 10) / 14, Stats.weightedMean(new double[] {0.75, 0.3}, new long[] {4, 10}), 1e-15);
        // ((4-1)*0.25^2*4 + (10-1)*0.1^2*10) / (14-2) / 14
        assertEquals(Math.sqrt(1.65 / 12 / 14), Stats.pooledStderr(new double[] {0.25, 0.1}, new long[] {4, 10}), 1e-15);
    }
}
