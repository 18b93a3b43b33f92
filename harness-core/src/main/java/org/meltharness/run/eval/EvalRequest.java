package org.meltharness.run.eval;

import java.nio.file.Path;
import java.util.List;
import org.meltharness.run.DataLocation;
import org.meltharness.run.ModelRequest;

/**
 * One {@code eval}: which tasks on which model, and where the run goes. A null field was not given:
 * the task's own or the harness's default applies, and a resumed run keeps the value it was made with.
 *
 * @param tasks tasks or groups; null only when resuming
 * @param limit the first N documents of each task
 * @param numFewshot few-shot examples per prompt
 * @param seed seed of the few-shot draw and of random weights ({@link #DEFAULT_SEED}, lm-eval's)
 * @param batchDocs documents handed to the runtime at once ({@link #DEFAULT_BATCH_DOCS})
 * @param output the folder run folders are created in
 * @param runId the run folder's name (suites name their cells); an existing run of that name is resumed
 * @param docShard {@code I/N}: score only documents k with k mod N = I - 1
 * @param resume the id of a run to continue
 * @param logPrompts write the full prompt texts into the samples
 * @param storeTopk keep the K most likely tokens' log-probs at every scored token
 * @param fidelityAgainst a reference run made with {@code storeTopk}, to measure KL divergence and top-1 agreement against
 * @param tasksDirs further folders of task files
 */
public record EvalRequest(
        List<String> tasks, ModelRequest model, Integer limit, Integer numFewshot, Long seed, Integer batchDocs,
        DataLocation data, Path output, String runId, String docShard, String resume, Boolean logPrompts, Integer storeTopk,
        String fidelityAgainst, List<Path> tasksDirs) {

    /** lm-eval's few-shot seed. */
    public static final long DEFAULT_SEED = 1234L;
    public static final int DEFAULT_BATCH_DOCS = 32;

    public EvalRequest {
        tasks = tasks == null ? null : List.copyOf(tasks);
        tasksDirs = tasksDirs == null ? List.of() : List.copyOf(tasksDirs);
    }

    /** A new run of {@code tasks} on {@code model} under {@code output}, everything else by default. */
    public static EvalRequest of(List<String> tasks, ModelRequest model, DataLocation data, Path output) {
        return new EvalRequest(tasks, model, null, null, null, null, data, output, null, null, null, null, null, null, List.of());
    }

    public EvalRequest withLimit(Integer n) {
        return new EvalRequest(tasks, model, n, numFewshot, seed, batchDocs, data, output, runId, docShard, resume, logPrompts,
                storeTopk, fidelityAgainst, tasksDirs);
    }

    public EvalRequest withNumFewshot(Integer k) {
        return new EvalRequest(tasks, model, limit, k, seed, batchDocs, data, output, runId, docShard, resume, logPrompts, storeTopk,
                fidelityAgainst, tasksDirs);
    }

    public EvalRequest withRunId(String id, String shard) {
        return new EvalRequest(tasks, model, limit, numFewshot, seed, batchDocs, data, output, id, shard, resume, logPrompts,
                storeTopk, fidelityAgainst, tasksDirs);
    }

    /** Distributions: keep the top {@code k} (a fidelity reference), or compare with {@code reference}'s. */
    public EvalRequest withDistributions(Integer k, String reference) {
        return new EvalRequest(tasks, model, limit, numFewshot, seed, batchDocs, data, output, runId, docShard, resume, logPrompts, k,
                reference, tasksDirs);
    }

    public long seedOrDefault() {
        return seed == null ? DEFAULT_SEED : seed;
    }
}
