package org.meltharness.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.meltharness.HarnessException;
import org.meltharness.model.ModelPlan;
import org.meltharness.data.DataStore;
import org.meltharness.eval.DistributionOptions;
import org.meltharness.eval.Evaluator;
import org.meltharness.eval.Progress;
import org.meltharness.eval.Shard;
import org.meltharness.eval.Summaries;
import org.meltharness.eval.TaskJob;
import org.meltharness.eval.TaskPreparer;
import org.meltharness.measure.Environment;
import org.meltharness.measure.Memory;
import org.meltharness.model.WeightFiles;
import org.meltharness.report.LmEvalResults;
import org.meltharness.io.AtomicFiles;
import org.meltharness.io.Json;
import org.meltharness.results.RunLock;
import org.meltharness.results.RunManifest;
import org.meltharness.results.RunManifest.RunOptions;
import org.meltharness.results.RunStore;
import org.meltharness.results.JsonlLog;
import org.meltharness.results.SampleRecord;
import org.meltharness.results.Summary;
import org.meltharness.results.TopkRecord;
import org.meltharness.results.SummaryWriter;
import org.meltharness.task.DocRequests;
import org.meltharness.task.GroupSpec;
import org.meltharness.task.TaskCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code harness eval}: score tasks on a model, timing every request, into a run folder. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Evaluate a model on tasks; writes results/<run-id>/ (manifest, samples, summary).")
final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-t", "--task"}, split = ",", paramLabel = "TASK",
            description = "Tasks or groups, comma-separated (./harness tasks lists them).")
    List<String> tasks;

    @Mixin
    ModelOptions model;

    @Option(names = "--limit", paramLabel = "N", description = "Evaluate only the first N documents of each task.")
    Integer limit;

    @Option(names = "--num-fewshot", paramLabel = "K",
            description = "Few-shot examples per prompt (default: the task's own, usually 0).")
    Integer numFewshot;

    @Option(names = "--seed", paramLabel = "SEED",
            description = "Seed of the few-shot draw and of --weights random (default: 1234, lm-eval's).")
    Long seed;

    @Option(names = "--batch-docs", paramLabel = "N", defaultValue = "32",
            description = "Documents handed to the runtime at once (default: ${DEFAULT-VALUE}).")
    int batchDocs;

    @Mixin
    DataLocationOptions data;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", defaultValue = "results",
            description = "Where run folders are created (default: ${DEFAULT-VALUE}).")
    Path output;

    @Option(names = "--run-id", paramLabel = "ID",
            description = "Name the run folder (suites do); an existing run of that name is resumed.")
    String runId;

    @Option(names = "--doc-shard", paramLabel = "I/N",
            description = "Score only documents k with k mod N = I - 1 (suite shards); few-shot draws stay those of the whole run.")
    String docShard;

    @Option(names = "--resume", paramLabel = "RUN_ID",
            description = "Continue an interrupted run, skipping finished documents; its options are reused.")
    String resume;

    @Option(names = "--log-prompts", description = "Write the full prompt texts into the samples.")
    Boolean logPrompts;

    @Option(names = "--store-topk", paramLabel = "K", defaultValue = "0",
            description = "Keep the K most likely tokens' log-probs at every scored token (topk-<task>.jsonl), so the "
                    + "run can serve as a fidelity reference (compare uses 64).")
    int storeTopk;

    @Option(names = "--fidelity-against", paramLabel = "RUN",
            description = "A reference run made with --store-topk: measure KL divergence and top-1 agreement against it.")
    String fidelityAgainst;

    @Mixin
    TaskSourceOptions taskSource;

    @Mixin
    CommonOptions common;

    @Mixin
    DeviceOptions device;

    private RunStore reference;
    /** This process's hold on the run folder, from its creation or opening to the end of the command. */
    private RunLock lock;

    @Override
    public Integer call() {
        if (device.remote()) return device.dispatch("eval", spec);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        TaskCatalog catalog = taskSource.catalog();

        RunStore store = null;
        RunManifest previous = null;
        if (runId != null && resume == null && RunStore.exists(output, runId)) resume = runId;
        try {
            if (resume != null) {
                store = RunStore.open(output, resume);
                lock = RunLock.acquire(store.dir(), store.runId(), msg -> err.println("harness: " + msg));
                previous = store.readManifest();
                adoptOptions(previous);
            }
            return run(store, previous, out, err, catalog);
        } finally {
            if (lock != null) lock.close();
        }
    }

    private Integer run(RunStore store, RunManifest previous, PrintWriter out, PrintWriter err, TaskCatalog catalog) {
        if (tasks == null || tasks.isEmpty()) throw HarnessException.usage("--task is required");
        int docLimit = limit == null ? Integer.MAX_VALUE : limit;
        if (docLimit < 1) throw HarnessException.usage("--limit must be at least 1");
        if (batchDocs < 1) throw HarnessException.usage("--batch-docs must be at least 1");
        if (numFewshot != null && numFewshot < 0) throw HarnessException.usage("--num-fewshot must not be negative");
        long fewshotSeed = seed == null ? 1234L : seed;

        Path cacheDir = data.cacheDir();
        ModelPlan plan = ModelLoader.plan(model, fewshotSeed, cacheDir);
        if (storeTopk < 0) throw HarnessException.usage("--store-topk must not be negative");
        reference = fidelityAgainst == null ? null : RunStore.locate(output, fidelityAgainst);
        DataStore store0 = DataStores.create(data, err);
        TaskPreparer preparer = new TaskPreparer(store0, msg -> err.println("harness: " + msg));
        List<TaskJob> jobs = new ArrayList<>();
        Shard shard = docShard == null ? Shard.ALL : Shard.parse(docShard);
        for (TaskCatalog.LoadedTask t : catalog.resolve(tasks)) {
            TaskJob job = preparer.prepare(t, docLimit, numFewshot, fewshotSeed);
            jobs.add(shard == Shard.ALL ? job : job.withDocs(shard.of(job.docs())));
        }
        if (reference != null) {
            // Before anything is loaded or created: the reference must hold what the run compares with.
            for (TaskJob job : jobs) {
                if (!java.nio.file.Files.isRegularFile(reference.topkFile(job.name()))) {
                    throw HarnessException.usage("reference run " + reference.runId() + " has no top-k for " + job.name()
                            + " (run it with --store-topk)");
                }
            }
        }
        Map<GroupSpec, List<String>> groups = new LinkedHashMap<>();
        for (GroupSpec g : catalog.aggregatingGroups(tasks)) groups.put(g, catalog.groupTasks(g));

        try (ModelPlan.Loaded loaded = ModelLoader.load(plan, model, cacheDir, data.offline(), err)) {
            var info = loaded.runtime().info();
            err.printf("harness: loaded %s on %s (%s, %s) in %.1fs%n", info.architecture(), info.runtime(),
                    info.weightDtype(), human(info.weightBytes()), loaded.loadSeconds());
            if (store == null) {
                store = runId != null ? RunStore.createNamed(output, runId) : RunStore.create(output, label(plan));
                lock = RunLock.acquire(store.dir(), store.runId(), msg -> err.println("harness: " + msg));
                previous = newManifest(store, plan, loaded, jobs, docLimit, fewshotSeed, cacheDir);
            } else {
                checkSameModel(previous, loaded, cacheDir);
                checkSameTasks(previous, jobs);
            }
            RunManifest manifest = previous.withStatus("running").withRuntime(info, measurements(loaded));
            store.writeManifest(manifest);
            err.println("harness: run " + store.runId() + " -> " + store.dir());
            RunGuard guard = RunGuard.install(store, manifest, err);
            String started = Instant.now().toString();
            int done;
            try {
                done = evaluate(jobs, loaded, store, groups, manifest, err);
            } catch (RuntimeException e) {
                guard.fail(); // the documents finished so far stay in the samples; --resume continues
                throw e;
            }
            manifest = manifest.withStatus("complete").withRuntime(info, measurements(loaded))
                    .withSegment(new RunManifest.Segment(started, Instant.now().toString(), done, "complete"));
            guard.finish(manifest);
            Summary summary = Summaries.build(store, manifest, groups);
            SummaryWriter.write(store.dir(), summary);
            AtomicFiles.write(store.dir().resolve("results.json"), Json.pretty(LmEvalResults.of(manifest, summary)));
            ResultTable.print(out, summary);
            out.println("results: " + store.dir());
        }
        return 0;
    }

    private int evaluate(List<TaskJob> jobs, ModelPlan.Loaded loaded, RunStore store,
            Map<GroupSpec, List<String>> groups, RunManifest manifest, PrintWriter err) {
        Evaluator evaluator = new Evaluator(loaded.runtime(), batchDocs, Boolean.TRUE.equals(logPrompts));
        int total = 0;
        for (TaskJob job : jobs) {
            List<SampleRecord> done = JsonlLog.read(store.samplesFile(job.name()), SampleRecord.class);
            List<DocRequests> todo = Evaluator.remaining(job, done);
            if (todo.isEmpty()) continue;
            Progress progress = new Progress(err, System.console() != null && System.console().isTerminal(), job.name(), todo.size());
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

    /** The reference run's top-k of a task, by document. */
    private Map<Integer, TopkRecord> referenceTopk(String task) {
        Map<Integer, TopkRecord> byDoc = new java.util.HashMap<>();
        java.nio.file.Path file = reference.topkFile(task); // its presence was checked before the run began
        for (TopkRecord r : JsonlLog.read(file, TopkRecord.class)) byDoc.put(r.docId(), r);
        return byDoc;
    }

    private RunManifest newManifest(RunStore store, ModelPlan plan, ModelPlan.Loaded loaded,
            List<TaskJob> jobs, int docLimit, long fewshotSeed, Path cacheDir) {
        var info = loaded.runtime().info();
        Path modelPath = Path.of(info.path());
        var weights = weightFiles(cacheDir, modelPath);
        var tok = modelPath.resolve("tokenizer.json");
        String tokSha = java.nio.file.Files.isRegularFile(tok) ? org.meltharness.io.Hashing.sha256(tok) : null;
        var modelRecord = new RunManifest.ModelRecord(plan.source().requested(), plan.source().alias(), info.path(),
                plan.provider().name(), plan.quant(), weights, tokSha, plan.runtimeChoice());
        List<RunManifest.TaskRecord> taskRecords = new ArrayList<>();
        for (TaskJob j : jobs) {
            taskRecords.add(new RunManifest.TaskRecord(j.name(), j.task().file(), j.task().sha256(),
                    j.task().spec().metadata().version(), j.docs().size(), j.task().spec().metricNames(),
                    j.convention(info.tokenizer()), dataRecord(j)));
        }
        RunOptions options = new RunOptions(List.copyOf(tasks), limit == null ? 0 : limit, numFewshot, fewshotSeed,
                plan.provider().name(), plan.quant(), model.weights, model.threads, model.runtimeOptions,
                data.dataDir == null ? null : data.dataDir.toAbsolutePath().toString(), Boolean.TRUE.equals(logPrompts),
                storeTopk, reference == null ? null : reference.dir().toString(), docShard);
        return new RunManifest(store.runId(), Instant.now().toString(), "running", Environment.capture(), modelRecord,
                info, taskRecords, options, null, List.of());
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

    private static RunManifest.Measurements measurements(ModelPlan.Loaded loaded) {
        return new RunManifest.Measurements(loaded.loadSeconds(), Memory.peakResidentBytes(), Memory.heapPeakBytes(),
                loaded.runtime().info().weightBytes());
    }

    /** Takes the stored options of the run being resumed; an option given again must agree. */
    private void adoptOptions(RunManifest m) {
        RunOptions o = m.options();
        var parse = spec.commandLine().getParseResult();
        conflict(parse.hasMatchedOption("--task") && !tasks.equals(o.tasks()), "--task", o.tasks());
        conflict(parse.hasMatchedOption("--limit") && !limit.equals(o.limit() == 0 ? null : o.limit()), "--limit",
                o.limit());
        conflict(parse.hasMatchedOption("--num-fewshot") && !numFewshot.equals(o.numFewshot()), "--num-fewshot",
                o.numFewshot());
        conflict(parse.hasMatchedOption("--seed") && seed != o.seed(), "--seed", o.seed());
        conflict(parse.hasMatchedOption("--quant") && !model.quant.equalsIgnoreCase(o.quant()), "--quant", o.quant());
        conflict(parse.hasMatchedOption("--runtime") && !model.runtime.equals(o.runtime()), "--runtime", o.runtime());
        conflict(parse.hasMatchedOption("--weights") && !model.weights.equals(o.weights()), "--weights", o.weights());
        conflict(parse.hasMatchedOption("--model") && !model.model.equals(m.model().requested()), "--model",
                m.model().requested());
        tasks = o.tasks();
        limit = o.limit() == 0 ? null : o.limit();
        numFewshot = o.numFewshot();
        seed = o.seed();
        model.model = m.model().requested();
        model.runtime = o.runtime();
        model.quant = o.quant();
        model.weights = o.weights() == null ? "stored" : o.weights();
        if (!parse.hasMatchedOption("--threads")) model.threads = o.threads();
        Map<String, String> storedOptions = o.runtimeOptions() == null ? Map.of() : o.runtimeOptions();
        conflict(!model.runtimeOptions.isEmpty() && !model.runtimeOptions.equals(storedOptions),
                "--runtime-option (or --kv-type, --endpoint)", storedOptions);
        model.runtimeOptions.clear();
        model.runtimeOptions.putAll(storedOptions);
        if (data.dataDir == null && o.dataDir() != null) data.dataDir = Path.of(o.dataDir());
        if (logPrompts == null) logPrompts = o.logPrompts();
        conflict(parse.hasMatchedOption("--store-topk") && storeTopk != o.storeTopk(), "--store-topk", o.storeTopk());
        conflict(parse.hasMatchedOption("--doc-shard") && !docShard.equals(o.docShard()), "--doc-shard", o.docShard());
        docShard = o.docShard();
        storeTopk = o.storeTopk();
        if (fidelityAgainst == null) fidelityAgainst = o.fidelityReference();
    }

    private void conflict(boolean differs, String option, Object stored) {
        if (differs) {
            throw HarnessException.usage("run " + resume + " was made with " + option + " " + stored
                    + "; resume it with the same value or without the option");
        }
    }

    /** A resumed run's task files must be the ones it started with: its samples were scored with those prompts. */
    private static void checkSameTasks(RunManifest previous, List<TaskJob> jobs) {
        for (TaskJob j : jobs) {
            String before = previous.tasks().stream().filter(t -> t.name().equals(j.name())).map(RunManifest.TaskRecord::sha256)
                    .findFirst().orElse(null);
            if (before != null && !before.equals(j.task().sha256())) {
                throw HarnessException.usage("the task file of " + j.name() + " changed since run " + previous.runId()
                        + " started; start a new run");
            }
        }
    }

    private static void checkSameModel(RunManifest previous, ModelPlan.Loaded loaded, Path cacheDir) {
        var before = previous.model().weights();
        var now = weightFiles(cacheDir, Path.of(loaded.runtime().info().path()));
        if (!before.equals(now)) {
            throw HarnessException.usage("the model's weight files changed since run " + previous.runId()
                    + " started; start a new run");
        }
    }

    /** The model's weight files; none for a model behind a server (--runtime http), which has no local files. */
    private static List<RunManifest.WeightFile> weightFiles(Path cacheDir, Path model) {
        return java.nio.file.Files.exists(model) ? new WeightFiles(cacheDir).describe(model) : List.of();
    }

    /** A readable part of the run id: the alias, the model folder (with its parent), or the repo name. */
    private static String label(ModelPlan plan) {
        var source = plan.source();
        String name;
        if (source.alias() != null) {
            name = source.alias();
        } else if (source.isLocal()) {
            Path p = source.localPath();
            name = p.getParent() != null && p.getParent().getFileName() != null
                    ? p.getParent().getFileName() + "-" + p.getFileName() : String.valueOf(p.getFileName());
        } else {
            name = source.requested().substring(source.requested().lastIndexOf('/') + 1);
        }
        return name + "-" + plan.quant();
    }

    static String human(long bytes) {
        if (bytes < 0) return "?";
        if (bytes < 1 << 20) return String.format(java.util.Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        if (bytes < 1L << 30) return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
        return String.format(java.util.Locale.ROOT, "%.2f GiB", bytes / (1024.0 * 1024 * 1024));
    }
}
