package org.meltharness.run.eval;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.meltharness.HarnessException;
import org.meltharness.data.DataStore;
import org.meltharness.eval.DistributionOptions;
import org.meltharness.eval.Evaluator;
import org.meltharness.eval.Progress;
import org.meltharness.eval.Shard;
import org.meltharness.eval.Summaries;
import org.meltharness.eval.TaskJob;
import org.meltharness.eval.TaskPreparer;
import org.meltharness.io.AtomicFiles;
import org.meltharness.io.Json;
import org.meltharness.model.ModelLabel;
import org.meltharness.model.ModelPlan;
import org.meltharness.report.Bytes;
import org.meltharness.report.LmEvalResults;
import org.meltharness.results.JsonlLog;
import org.meltharness.results.RunLock;
import org.meltharness.results.RunManifest;
import org.meltharness.results.RunManifest.RunOptions;
import org.meltharness.results.RunStatus;
import org.meltharness.results.RunStore;
import org.meltharness.results.SampleRecord;
import org.meltharness.results.Summary;
import org.meltharness.results.SummaryWriter;
import org.meltharness.results.TopkRecord;
import org.meltharness.run.RunGuard;
import org.meltharness.run.RunManifests;
import org.meltharness.task.DocRequests;
import org.meltharness.task.GroupSpec;
import org.meltharness.task.TaskCatalog;

/**
 * Runs an {@link EvalRequest}: scores its tasks on its model, timing every request, into a run
 * folder (new, or the one it resumes), and returns the folder and summary. Notices and progress go
 * to {@code err}, as one line each.
 */
public final class EvalService {
    private final PrintWriter err;

    public EvalService(PrintWriter err) {
        this.err = err;
    }

    public EvalResult run(EvalRequest request) {
        TaskCatalog catalog = TaskCatalog.load(request.tasksDirs());
        RunLock lock = null;
        try {
            RunStore store = null;
            RunManifest previous = null;
            String resume = request.resume() != null ? request.resume()
                    : request.runId() != null && RunStore.exists(request.output(), request.runId()) ? request.runId() : null;
            if (resume != null) {
                store = RunStore.open(request.output(), resume);
                lock = RunLock.acquire(store.dir(), store.runId(), msg -> err.println("harness: " + msg));
                previous = store.readManifest();
                request = Resumption.adopt(request, previous, resume);
            }
            return new Run(request, catalog).run(store, previous);
        } finally {
            if (lock != null) lock.close();
        }
    }

    /** One run of a request whose options are settled, from its checks to its summary. */
    private final class Run {
        private final EvalRequest request;
        private final TaskCatalog catalog;
        private RunStore reference;
        /** This process's hold on a run folder it creates (a resumed one is held from its opening). */
        private RunLock lock;

        Run(EvalRequest request, TaskCatalog catalog) {
            this.request = request;
            this.catalog = catalog;
        }

        EvalResult run(RunStore store, RunManifest previous) {
            List<String> tasks = request.tasks();
            if (tasks == null || tasks.isEmpty()) throw HarnessException.usage("--task is required");
            int docLimit = request.limit() == null ? Integer.MAX_VALUE : request.limit();
            if (docLimit < 1) throw HarnessException.usage("--limit must be at least 1");
            int batchDocs = request.batchDocs() == null ? EvalRequest.DEFAULT_BATCH_DOCS : request.batchDocs();
            if (batchDocs < 1) throw HarnessException.usage("--batch-docs must be at least 1");
            if (request.numFewshot() != null && request.numFewshot() < 0) throw HarnessException.usage("--num-fewshot must not be negative");
            long fewshotSeed = request.seedOrDefault();

            Path cacheDir = request.data().cacheDir();
            ModelPlan plan = request.model().plan(fewshotSeed, cacheDir);
            int storeTopk = request.storeTopk() == null ? 0 : request.storeTopk();
            if (storeTopk < 0) throw HarnessException.usage("--store-topk must not be negative");
            reference = request.fidelityAgainst() == null ? null : RunStore.locate(request.output(), request.fidelityAgainst());
            DataStore data = request.data().store(err);
            TaskPreparer preparer = new TaskPreparer(data, msg -> err.println("harness: " + msg));
            List<TaskJob> jobs = new ArrayList<>();
            Shard shard = request.docShard() == null ? Shard.ALL : Shard.parse(request.docShard());
            for (TaskCatalog.LoadedTask t : catalog.resolve(tasks)) {
                TaskJob job = preparer.prepare(t, docLimit, request.numFewshot(), fewshotSeed);
                jobs.add(shard == Shard.ALL ? job : job.withDocs(shard.of(job.docs())));
            }
            if (reference != null) {
                // Before anything is loaded or created: the reference must hold what the run compares with.
                for (TaskJob job : jobs) {
                    if (!Files.isRegularFile(reference.topkFile(job.name()))) {
                        throw HarnessException.usage("reference run " + reference.runId() + " has no top-k for " + job.name()
                                + " (run it with --store-topk)");
                    }
                }
            }
            Map<GroupSpec, List<String>> groups = new LinkedHashMap<>();
            for (GroupSpec g : catalog.aggregatingGroups(tasks)) groups.put(g, catalog.groupTasks(g));

            try (ModelPlan.Loaded loaded = request.model().load(plan, request.data(), err)) {
                var info = loaded.runtime().info();
                err.printf(Locale.ROOT, "harness: loaded %s on %s (%s, %s) in %.1fs%n", info.architecture(), info.runtime(),
                        info.weightDtype(), Bytes.human(info.weightBytes()), loaded.loadSeconds());
                try {
                    if (store == null) {
                        String label = ModelLabel.of(plan.source().requested(), plan.source().alias(), false).runIdPart(plan.quant());
                        store = request.runId() != null ? RunStore.createNamed(request.output(), request.runId())
                                : RunStore.create(request.output(), label);
                        lock = RunLock.acquire(store.dir(), store.runId(), msg -> err.println("harness: " + msg));
                        previous = RunManifests.begin(store, loaded, cacheDir, taskRecords(jobs, info.tokenizer()),
                                options(plan, fewshotSeed, storeTopk));
                    } else {
                        Resumption.checkSameModel(previous, RunManifests.weightFiles(cacheDir, Path.of(info.path())));
                        Resumption.checkSameTasks(previous, jobs);
                    }
                    return evaluate(store, previous, loaded, jobs, groups, batchDocs, storeTopk);
                } finally {
                    if (lock != null) lock.close();
                }
            }
        }

        private EvalResult evaluate(RunStore store, RunManifest previous, ModelPlan.Loaded loaded, List<TaskJob> jobs,
                Map<GroupSpec, List<String>> groups, int batchDocs, int storeTopk) {
            var info = loaded.runtime().info();
            RunManifest manifest = previous.withStatus(RunStatus.RUNNING).withRuntime(info, RunManifests.measurements(loaded));
            store.writeManifest(manifest);
            err.println("harness: run " + store.runId() + " -> " + store.dir());
            RunGuard guard = RunGuard.install(store, manifest, err);
            String started = Instant.now().toString();
            int done;
            try {
                done = evaluateTasks(jobs, loaded, store, groups, manifest, batchDocs, storeTopk);
            } catch (RuntimeException e) {
                guard.fail(); // the documents finished so far stay in the samples; --resume continues
                throw e;
            }
            manifest = manifest.withStatus(RunStatus.COMPLETE).withRuntime(info, RunManifests.measurements(loaded))
                    .withSegment(new RunManifest.Segment(started, Instant.now().toString(), done, RunStatus.COMPLETE));
            guard.finish(manifest);
            Summary summary = Summaries.build(store, manifest, groups);
            SummaryWriter.write(store.dir(), summary);
            AtomicFiles.write(store.dir().resolve("results.json"), Json.pretty(LmEvalResults.of(manifest, summary)));
            return new EvalResult(store.runId(), store.dir(), summary);
        }

        private int evaluateTasks(List<TaskJob> jobs, ModelPlan.Loaded loaded, RunStore store, Map<GroupSpec, List<String>> groups,
                RunManifest manifest, int batchDocs, int storeTopk) {
            Evaluator evaluator = new Evaluator(loaded.runtime(), batchDocs, Boolean.TRUE.equals(request.logPrompts()));
            boolean terminal = System.console() != null && System.console().isTerminal();
            int total = 0;
            for (TaskJob job : jobs) {
                List<SampleRecord> done = JsonlLog.read(store.samplesFile(job.name()), SampleRecord.class);
                List<DocRequests> todo = Evaluator.remaining(job, done);
                if (todo.isEmpty()) continue;
                Progress progress = new Progress(err, terminal, job.name(), todo.size());
                Map<Integer, TopkRecord> ref = reference == null ? null : referenceTopk(job.name());
                try (JsonlLog<SampleRecord> log = JsonlLog.open(store.samplesFile(job.name()));
                        JsonlLog<TopkRecord> topk = storeTopk > 0 ? JsonlLog.open(store.topkFile(job.name())) : null) {
                    total += evaluator.run(job, todo, log, progress, new DistributionOptions(storeTopk, topk, ref));
                } finally {
                    progress.finish();
                }
                // A summary after every task, so a long run shows its finished tasks early.
                SummaryWriter.write(store.dir(), Summaries.build(store, manifest, groups));
            }
            return total;
        }

        /** The reference run's top-k of a task, by document (its presence was checked before the run began). */
        private Map<Integer, TopkRecord> referenceTopk(String task) {
            Map<Integer, TopkRecord> byDoc = new HashMap<>();
            for (TopkRecord r : JsonlLog.read(reference.topkFile(task), TopkRecord.class)) byDoc.put(r.docId(), r);
            return byDoc;
        }

        private List<RunManifest.TaskRecord> taskRecords(List<TaskJob> jobs, String tokenizer) {
            List<RunManifest.TaskRecord> out = new ArrayList<>();
            for (TaskJob j : jobs) {
                out.add(new RunManifest.TaskRecord(j.name(), j.task().file(), j.task().sha256(), j.task().spec().metadata().version(),
                        j.docs().size(), j.task().spec().metricNames(), j.convention(tokenizer), dataRecord(j)));
            }
            return out;
        }

        private RunOptions options(ModelPlan plan, long fewshotSeed, int storeTopk) {
            var m = request.model();
            Path dataDir = request.data().dataDir();
            return new RunOptions(List.copyOf(request.tasks()), request.limit() == null ? 0 : request.limit(), request.numFewshot(),
                    fewshotSeed, plan.provider().name(), plan.quant(), m.weightsOrStored(), m.threadsOrDefault(), m.runtimeOptions(),
                    dataDir == null ? null : dataDir.toAbsolutePath().toString(), Boolean.TRUE.equals(request.logPrompts()), storeTopk,
                    reference == null ? null : reference.dir().toString(), request.docShard());
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> dataRecord(TaskJob j) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("eval", Json.mapper().convertValue(j.data().provenance(), Map.class));
        if (j.pool() != null && j.pool() != j.data()) {
            m.put("fewshot", Json.mapper().convertValue(j.pool().provenance(), Map.class));
        }
        return m;
    }
}
