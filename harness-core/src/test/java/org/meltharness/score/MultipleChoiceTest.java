package org.meltharness.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MultipleChoiceTest {
    private static final List<String> METRICS = List.of("acc", "acc_norm", "acc_bytes", "exact_match");

    @Test
    void accNormDividesByCharactersNotUtf16UnitsNorBytes() {
        // "é😀" is 2 characters, 3 UTF-16 units, 6 UTF-8 bytes.
        List<String> choices = List.of("ab", "cde", "\u00e9\ud83d\ude00");
        double[] lls = {-2.0, -2.7, -1.85};
        DocScore s = MultipleChoice.score(METRICS, choices, 1, lls, new boolean[] {false, true, false});
        assertEquals(2, s.pred(), "highest raw log-likelihood");
        assertEquals(1, s.predNorm(), "-2.7/3 = -0.9 beats -1.85/2 = -0.925 (by UTF-16 length it would lose)");
        assertEquals(Map.of("acc", 0.0, "acc_norm", 1.0, "acc_bytes", 0.0, "exact_match", 1.0), s.metrics());
    }

    @Test
    void tiesGoToTheFirstChoiceLikeNumpy() {
        DocScore s = MultipleChoice.score(List.of("acc"), List.of("a", "b"), 0, new double[] {-1, -1}, new boolean[2]);
        assertEquals(0, s.pred());
        assertEquals(1.0, s.metrics().get("acc"));
    }

    @Test
    void aNanLogLikelihoodWinsAsInNumpy() {
        // np.argmax([-1, nan, 0]) == 1: lm-eval would predict the NaN choice, so do we.
        assertEquals(1, MultipleChoice.argmax(new double[] {-1, Double.NaN, 0}));
        assertEquals(0, MultipleChoice.argmax(new double[] {Double.NaN, -1, 0}));
        assertEquals(2, MultipleChoice.argmax(new double[] {-3, -2, -1}));
    }

    @Test
    void rejectsMismatchAndUnknownMetric() {
        assertThrows(IllegalArgumentException.class,
                () -> MultipleChoice.score(List.of("acc"), List.of("a"), 0, new double[] {-1, -2}, new boolean[2]));
        assertThrows(IllegalArgumentException.class,
                () -> MultipleChoice.score(List.of("f1"), List.of("a"), 0, new double[] {-1}, new boolean[1]));
    }

    @Test
    void mc2IsTheNormalisedMassOfTrueAnswers() {
        Map<String, Object> doc = Map.of("mc2_targets", Map.of("choices", List.of("x", "y", "z"), "labels", List.of(1, 0, 1)));
        double[] lls = {Math.log(0.2), Math.log(0.1), Math.log(0.3)};
        DocScore s = ResultProcessors.get("mc2").process(doc, List.of("acc"), lls, new boolean[3]);
        assertEquals(0.5 / 0.6, s.metrics().get("acc"), 1e-12);
        assertEquals(2, s.pred());
    }

    @Test
    void mc2StaysFiniteWhenEveryProbabilityUnderflows() {
        Map<String, Object> doc = Map.of("mc2_targets", Map.of("labels", List.of(0, 1)));
        double[] lls = {-1000, -1000 + Math.log(3)};
        assertEquals(0.75, ResultProcessors.get("mc2").process(doc, List.of("acc"), lls, new boolean[2]).metrics().get("acc"),
                1e-12);
    }
}
