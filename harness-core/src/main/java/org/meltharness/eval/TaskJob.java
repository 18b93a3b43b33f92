package org.meltharness.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.meltharness.data.SplitData;
import org.meltharness.score.ResultProcessor;
import org.meltharness.task.DocRequests;
import org.meltharness.task.TaskCatalog.LoadedTask;

/**
 * A task ready to run: its documents turned into requests, and how their answers are scored.
 *
 * @param processor the task's {@code process_results}, or null for plain multiple choice
 * @param numFewshot the number of few-shot examples actually used
 * @param pool where few-shot examples came from, or null without examples
 */
public record TaskJob(
        LoadedTask task,
        List<DocRequests> docs,
        ResultProcessor processor,
        int numFewshot,
        long seed,
        SplitData data,
        SplitData pool) {

    /** The same task over other documents (a shard of them). */
    public TaskJob withDocs(List<DocRequests> subset) {
        return new TaskJob(task, subset, processor, numFewshot, seed, data, pool);
    }

    public String name() {
        return task.spec().task();
    }

    /** How the numbers of this task were made, recorded beside them. */
    public Map<String, Object> convention(String tokenizer) {
        var spec = task.spec();
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("reference", "lm-evaluation-harness 0.4.x (v0.4.11 task definitions)");
        c.put("output_type", spec.outputType());
        Map<String, String> metrics = new LinkedHashMap<>();
        for (String m : spec.metricNames()) metrics.put(m, definition(m, spec.processResults()));
        c.put("metrics", metrics);
        c.put("stderr", "sample standard deviation / sqrt(n) (closed form; sqrt(p(1-p)/(n-1)) for 0/1 scores)");
        c.put("eval_split", spec.evalSplit());
        c.put("num_fewshot", numFewshot);
        if (numFewshot > 0) {
            c.put("fewshot_split", spec.fewshotPoolSplit());
            c.put("fewshot_sampler", spec.fewshotConfig().sampler());
            c.put("fewshot_seed", seed);
        }
        c.put("description", spec.description());
        c.put("target_delimiter", spec.targetDelimiter());
        c.put("fewshot_delimiter", spec.fewshotDelimiter());
        c.put("tokenization", "context's trailing whitespace moved to the continuation; continuation = "
                + "encode(context + continuation)[len(encode(context)):]; inputs over the window cut from the left");
        c.put("tokenizer", tokenizer);
        c.put("task_version", spec.metadata().version());
        return c;
    }

    private static String definition(String metric, String processResults) {
        if ("mc2".equals(processResults) && metric.equals("acc")) {
            return "mc2: sum of exp(ll) over true answers / sum over all mc2 answers";
        }
        return switch (metric) {
            case "acc" -> "argmax of summed continuation log-likelihood == gold";
            case "acc_norm" -> "argmax of log-likelihood / len(choice) in Unicode characters == gold";
            case "acc_bytes" -> "argmax of log-likelihood / UTF-8 bytes of choice == gold";
            case "exact_match" -> "gold continuation is the greedy one";
            default -> metric;
        };
    }
}
