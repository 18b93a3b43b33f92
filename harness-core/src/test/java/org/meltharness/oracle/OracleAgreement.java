package org.meltharness.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.meltharness.runtime.LoglikelihoodRequest;
import org.meltharness.runtime.LoglikelihoodResult;
import org.meltharness.runtime.Runtime;
import org.meltharness.score.DocScore;
import org.meltharness.score.MultipleChoice;
import org.meltharness.score.ResultProcessors;
import org.meltharness.task.DocRequests;
import org.meltharness.task.TaskCatalog;
import org.meltharness.task.TaskSpec;

/** The check every runtime module runs against the lm-eval oracle, written once for all of them. */
public final class OracleAgreement {
    private OracleAgreement() {}

    /**
     * Scores every request of {@code run} on {@code runtime} and asserts that each log-likelihood is
     * within {@code tolerance} of lm-eval's, that the greedy flags are lm-eval's, and that every
     * document's metrics are lm-eval's.
     *
     * @param label names the runtime in failure messages and the printed summary
     * @return the largest |log-likelihood difference|
     */
    public static double assertAgrees(LmEvalOracle.Run run, Runtime runtime, double tolerance, String label) {
        List<DocRequests> docs = LmEvalOracle.ourRequests(run);
        List<LoglikelihoodRequest> requests = new ArrayList<>();
        for (DocRequests d : docs) {
            for (DocRequests.Request r : d.requests()) requests.add(new LoglikelihoodRequest(r.context(), r.continuation()));
        }
        List<LoglikelihoodResult> results = runtime.loglikelihood(requests);
        TaskSpec spec = TaskCatalog.load(List.of()).tasks().get(run.task()).spec();
        int k = 0;
        double worst = 0;
        for (int d = 0; d < docs.size(); d++) {
            int n = docs.get(d).requests().size();
            double[] lls = new double[n];
            boolean[] greedy = new boolean[n];
            for (int i = 0; i < n; i++) {
                lls[i] = results.get(k + i).logLikelihood();
                greedy[i] = results.get(k + i).greedy();
            }
            DocScore score = spec.processResults() == null
                    ? MultipleChoice.score(spec.metricNames(), docs.get(d).choices(), docs.get(d).gold(), lls, greedy)
                    : ResultProcessors.get(spec.processResults()).process(docs.get(d).doc(), spec.metricNames(), lls, greedy);
            for (String m : spec.metricNames()) {
                assertEquals(run.docs().get(d).path("metrics").path(m).asDouble(), score.metrics().get(m), tolerance,
                        label + " " + run.name() + " doc " + d + " " + m);
            }
            for (JsonNode g : run.docs().get(d).path("requests")) {
                LoglikelihoodResult r = results.get(k++);
                double diff = Math.abs(g.path("ll").asDouble() - r.logLikelihood());
                worst = Math.max(worst, diff);
                assertTrue(diff < tolerance, label + " " + run.name() + " doc " + d + ": lm-eval " + g.path("ll").asDouble()
                        + ", " + label + " " + r.logLikelihood());
                assertEquals(g.path("is_greedy").asBoolean(), r.greedy(), label + " " + run.name() + " doc " + d);
            }
        }
        assertEquals(k, results.size());
        System.out.printf("%s %s: %d requests, max |ll difference| %.2e%n", label, run.name(), k, worst);
        return worst;
    }
}
