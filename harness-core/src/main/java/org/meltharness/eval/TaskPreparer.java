package org.meltharness.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.meltharness.HarnessException;
import org.meltharness.data.DataStore;
import org.meltharness.data.SplitData;
import org.meltharness.score.ResultProcessors;
import org.meltharness.task.DocProcessor;
import org.meltharness.task.DocProcessors;
import org.meltharness.task.FewshotSampler;
import org.meltharness.task.RequestBuilder;
import org.meltharness.task.TaskCatalog.LoadedTask;
import org.meltharness.task.TaskSpec;

/** Loads a task's data and turns its documents into requests, before any model is loaded. */
public final class TaskPreparer {
    private final DataStore data;
    private final Consumer<String> notice;

    public TaskPreparer(DataStore data, Consumer<String> notice) {
        this.data = data;
        this.notice = notice;
    }

    /**
     * @param limit documents to evaluate, from the first ({@code Integer.MAX_VALUE} for all)
     * @param numFewshot {@code --num-fewshot}, or null for the task's own setting
     */
    public TaskJob prepare(LoadedTask task, int limit, Integer numFewshot, long seed) {
        TaskSpec spec = task.spec();
        int k = effectiveFewshot(spec, numFewshot);
        SplitData eval = data.load(spec.datasetPath(), spec.datasetName(), spec.evalSplit());
        List<Map<String, Object>> docs = process(spec, eval.docs());
        SplitData pool = null;
        FewshotSampler sampler = null;
        if (k > 0) {
            String poolSplit = spec.fewshotPoolSplit();
            boolean same = poolSplit.equals(spec.evalSplit());
            pool = same ? eval : data.load(spec.datasetPath(), spec.datasetName(), poolSplit);
            List<Map<String, Object>> poolDocs = same ? docs : process(spec, pool.docs());
            sampler = new FewshotSampler(poolDocs, spec.fewshotConfig().sampler(), spec.fewshotDrawsExtra(), seed);
        }
        var requests = new RequestBuilder(spec).build(docs, limit, k, sampler);
        var processor = spec.processResults() == null ? null : ResultProcessors.get(spec.processResults());
        return new TaskJob(task, requests, processor, k, seed, eval, pool);
    }

    private int effectiveFewshot(TaskSpec spec, Integer requested) {
        if (spec.numFewshot() != null && spec.numFewshot() == 0) {
            if (requested != null && requested != 0) {
                notice.accept(spec.task() + ": num_fewshot is fixed to 0 by its task file; --num-fewshot ignored");
            }
            return 0;
        }
        if (requested != null) return requested;
        return spec.numFewshot() == null ? 0 : spec.numFewshot();
    }

    private static List<Map<String, Object>> process(TaskSpec spec, List<Map<String, Object>> docs) {
        if (spec.processDocs() == null) return docs;
        DocProcessor p = DocProcessors.get(spec.processDocs());
        List<Map<String, Object>> out = new ArrayList<>(docs.size());
        for (int i = 0; i < docs.size(); i++) {
            try {
                out.add(p.process(docs.get(i)));
            } catch (RuntimeException e) {
                throw HarnessException.badData(spec.task() + " document " + i + ": " + e.getMessage());
            }
        }
        return out;
    }
}
