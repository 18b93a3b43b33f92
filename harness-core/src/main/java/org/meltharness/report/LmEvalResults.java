package org.meltharness.report;

import java.util.LinkedHashMap;
import java.util.Map;
import org.meltharness.results.RunManifest;
import org.meltharness.results.Summary;
import org.meltharness.results.SummaryRow;

/**
 * A run's {@code results.json} in lm-evaluation-harness's layout ({@code results},
 * {@code versions}, {@code n-shot}, {@code n-samples}, {@code config}), so that leaderboards and
 * plotting tools written for lm-eval read our runs.
 */
public final class LmEvalResults {
    private LmEvalResults() {}

    public static Map<String, Object> of(RunManifest m, Summary s) {
        Map<String, Object> results = new LinkedHashMap<>();
        for (SummaryRow r : s.rows()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> t = (Map<String, Object>) results.computeIfAbsent(r.task(), k -> {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("alias", k);
                return x;
            });
            t.put(r.metric() + ",none", r.value());
            t.put(r.metric() + "_stderr,none", Double.isNaN(r.stderr()) ? "N/A" : r.stderr());
        }
        Map<String, Object> versions = new LinkedHashMap<>();
        Map<String, Object> nShot = new LinkedHashMap<>();
        Map<String, Object> nSamples = new LinkedHashMap<>();
        Map<String, Object> higher = new LinkedHashMap<>();
        Map<String, Object> configs = new LinkedHashMap<>();
        for (RunManifest.TaskRecord t : m.tasks()) {
            versions.put(t.name(), t.version());
            Object k = t.convention() == null ? 0 : t.convention().getOrDefault("num_fewshot", 0);
            nShot.put(t.name(), k);
            int effective = (int) s.rows().stream().filter(r -> r.task().equals(t.name())).mapToInt(SummaryRow::n).max().orElse(0);
            nSamples.put(t.name(), Map.of("original", t.docs(), "effective", effective));
            Map<String, Boolean> hib = new LinkedHashMap<>();
            for (String metric : t.metrics()) hib.put(metric, true);
            higher.put(t.name(), hib);
            configs.put(t.name(), Map.of("task", t.name(), "num_fewshot", k, "output_type", "multiple_choice",
                    "metadata", Map.of("version", t.version() == null ? 1.0 : t.version())));
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("model", "melt-harness/" + m.model().runtime());
        config.put("model_args", "pretrained=" + m.model().path() + ",quant=" + m.model().quant());
        config.put("batch_size", 1);
        config.put("limit", m.options() == null || m.options().limit() == 0 ? null : m.options().limit());
        config.put("fewshot_seed", m.options() == null ? null : m.options().seed());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("results", results);
        out.put("configs", configs);
        out.put("versions", versions);
        out.put("n-shot", nShot);
        out.put("higher_is_better", higher);
        out.put("n-samples", nSamples);
        out.put("config", config);
        out.put("git_hash", m.environment() == null ? null : m.environment().harnessCommit());
        out.put("date", m.createdAt());
        out.put("model_name", m.model().requested());
        return out;
    }
}
