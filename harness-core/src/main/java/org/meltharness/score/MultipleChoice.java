package org.meltharness.score;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.meltharness.task.PyStr;

/**
 * lm-evaluation-harness's {@code process_results} for {@code multiple_choice} tasks.
 *
 * <p>acc: the arg-max log-likelihood is the gold choice. acc_norm: the same after dividing each
 * log-likelihood by its choice's length in characters (Python {@code len}, code points, without
 * the target delimiter). acc_bytes: by UTF-8 bytes. exact_match: the gold continuation is the
 * greedy one. Ties go to the first choice, as {@code numpy.argmax}.
 */
public final class MultipleChoice {
    private MultipleChoice() {}

    public static DocScore score(List<String> metricNames, List<String> choices, int gold, double[] lls,
            boolean[] greedy) {
        if (lls.length != choices.size()) {
            throw new IllegalArgumentException(lls.length + " log-likelihoods for " + choices.size() + " choices");
        }
        double[] perChar = new double[lls.length];
        double[] perByte = new double[lls.length];
        for (int i = 0; i < lls.length; i++) {
            perChar[i] = lls[i] / PyStr.len(choices.get(i));
            perByte[i] = lls[i] / choices.get(i).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        }
        int pred = argmax(lls);
        int predNorm = argmax(perChar);
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (String m : metricNames) {
            double v = switch (m) {
                case "acc" -> pred == gold ? 1.0 : 0.0;
                case "acc_norm" -> predNorm == gold ? 1.0 : 0.0;
                case "acc_bytes" -> argmax(perByte) == gold ? 1.0 : 0.0;
                case "exact_match" -> greedy[gold] ? 1.0 : 0.0;
                default -> throw new IllegalArgumentException("metric '" + m + "' is not supported for multiple_choice");
            };
            metrics.put(m, v);
        }
        return new DocScore(metrics, pred, predNorm);
    }

    /** numpy's argmax: the first index of the largest value, or of the first NaN if there is one. */
    static int argmax(double[] values) {
        int best = 0;
        for (int i = 0; i < values.length; i++) {
            if (Double.isNaN(values[i])) return i;
            if (values[i] > values[best]) best = i;
        }
        return best;
    }
}
