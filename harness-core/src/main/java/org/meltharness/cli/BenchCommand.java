package org.meltharness.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import org.meltharness.HarnessException;
import org.meltharness.bench.BenchConfig;
import org.meltharness.bench.BenchFiles;
import org.meltharness.bench.BenchProgress;
import org.meltharness.bench.BenchRunner;
import org.meltharness.bench.BenchStatistics;
import org.meltharness.bench.BenchStatistics.MetricSummary;
import org.meltharness.bench.BenchSummary;
import org.meltharness.bench.ChatTemplate;
import org.meltharness.bench.Durations;
import org.meltharness.bench.PhaseEnergy;
import org.meltharness.bench.PromptSets;
import org.meltharness.bench.SyntheticPrompt;
import org.meltharness.bench.TurnRecord;
import org.meltharness.bench.Verification;
import org.meltharness.measure.ClockAnchor;
import org.meltharness.measure.CoolDown;
import org.meltharness.measure.CpuFrequencyProbe;
import org.meltharness.measure.Environment;
import org.meltharness.measure.MeasurementCsv;
import org.meltharness.measure.Memory;
import org.meltharness.measure.MemoryProbe;
import org.meltharness.measure.MeterTrace;
import org.meltharness.measure.MonotonicClock;
import org.meltharness.measure.MonsoonTrace;
import org.meltharness.measure.Note;
import org.meltharness.measure.PhaseSummary;
import org.meltharness.measure.PhaseWindow;
import org.meltharness.measure.Phases;
import org.meltharness.measure.PowerMeter;
import org.meltharness.measure.PowerMeters;
import org.meltharness.measure.Probe;
import org.meltharness.measure.Reading;
import org.meltharness.measure.Recording;
import org.meltharness.measure.Sampler;
import org.meltharness.measure.ThermalProbe;
import org.meltharness.model.ModelPlan;
import org.meltharness.model.WeightFiles;
import org.meltharness.report.BenchPlots;
import org.meltharness.results.JsonlLog;
import org.meltharness.results.RunManifest;
import org.meltharness.results.RunStore;
import org.meltharness.runtime.ModelInfo;
import org.meltharness.tokenize.HfTokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code harness bench}: generation speed, energy, memory and temperature, MELT's way, into a run folder. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Benchmark generation: MELT's conversations turn by turn, llama-bench's pp/tg tests, or a sustained run;",
            "TTFT, prefill and decode tok/s, per-token latency, energy per phase and token, memory and temperatures.",
            "  harness bench --model MODEL --prompts melt --conversations 5 --repetitions 3",
            "  harness bench --model MODEL --pp 512 --tg 128",
            "  harness bench --model MODEL --sustained 10m --cooldown-to 45"})
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(names = "--prompts", paramLabel = "SET",
            description = "Conversations: melt, melt-sustained or a JSON file of lists of user turns (default: melt, and for "
                    + "--sustained MELT's 48-turn melt-sustained).")
    String prompts;

    @Option(names = "--conversations", paramLabel = "N", defaultValue = "5",
            description = "Use the first N conversations of the set (default: ${DEFAULT-VALUE}).")
    int conversations;

    @Option(names = "--repetitions", paramLabel = "N", defaultValue = "3",
            description = "Measured passes over the workload; they give mean ± sd (default: ${DEFAULT-VALUE}).")
    int repetitions;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "1",
            description = "Unmeasured generations first: turns of the first conversation, or pp/tg runs (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = {"-n", "--max-tokens"}, paramLabel = "N", defaultValue = "128",
            description = "Tokens to generate at most per turn (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--pp", paramLabel = "N", description = "llama-bench prompt processing test: a prompt of N random tokens.")
    Integer pp;

    @Option(names = "--tg", paramLabel = "N", description = "llama-bench text generation test: N tokens after BOS, end-of-sequence ignored.")
    Integer tg;

    @Option(names = "--sustained", paramLabel = "DURATION",
            description = "Repeat the conversations until this much time has passed (10m, 1h); records tok/s and temperature over time.")
    String sustained;

    @Option(names = "--cooldown-to", paramLabel = "CELSIUS",
            description = "Before each measured repetition, wait until every thermal zone is below this temperature.")
    Double cooldownTo;

    @Option(names = "--cooldown-timeout", paramLabel = "DURATION", defaultValue = "10m",
            description = "Give up waiting for --cooldown-to after this long, and go on with a note (default: ${DEFAULT-VALUE}).")
    String cooldownTimeout;

    @Option(names = "--verify-against", paramLabel = "RUN",
            description = "A previous bench run (id or folder): flag every turn whose greedy output tokens differ from its (MLPerf Client's check).")
    String verifyAgainst;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "0", description = "Seed of --weights random and of the pp prompt.")
    long seed;

    @Mixin
    MeterOptions meters;

    @Mixin
    DataLocationOptions data;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", defaultValue = "results",
            description = "Where run folders are created (default: ${DEFAULT-VALUE}).")
    Path output;

    @Option(names = "--run-id", paramLabel = "ID", description = "Name the run folder.")
    String runId;

    @Mixin
    CommonOptions common;

    @Mixin
    DeviceOptions device;

    @Override
    public Integer call() throws InterruptedException {
        if (device.remote()) return device.dispatch("bench", spec);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String mode = mode();
        Duration sustainedFor = sustained == null ? null : Durations.parse(sustained);
        if (sustainedFor != null && (sustainedFor.isZero() || sustainedFor.isNegative())) {
            throw HarnessException.usage("--sustained must be a positive duration, not " + sustained);
        }
        Duration coolTimeout = Durations.parse(cooldownTimeout);
        Duration period = meters.period();
        List<List<String>> convs = mode.equals("synthetic") ? List.of() : conversations();
        Verification verification = verifyAgainst == null ? null : reference();
        MonsoonTrace monsoon = meters.monsoon();
        List<PowerMeter> powerMeters = meters.powerMeters();
        ThermalProbe thermal = ThermalProbe.open(meters.sysRoot);
        ThermalProbe turnThermal = ThermalProbe.open(meters.sysRoot); // its own sensor state: the sampler reads the other
        boolean haveThermal = turnThermal.whyUnavailable().isEmpty();
        if (cooldownTo != null && !haveThermal) {
            throw HarnessException.usage("--cooldown-to needs thermal sensors: " + turnThermal.whyUnavailable().get());
        }

        Path cacheDir = data.cacheDir();
        ModelPlan plan = ModelLoader.plan(model, seed, cacheDir);
        MonotonicClock clock = MonotonicClock.system();
        ClockAnchor anchor = ClockAnchor.now(clock);
        List<Probe> probes = new ArrayList<>(powerMeters);
        probes.add(thermal);
        probes.add(CpuFrequencyProbe.open(meters.sysRoot));
        probes.add(MemoryProbe.self());
        Phases phases = new Phases(clock);
        Sampler sampler = Sampler.start(clock, period, probes);
        long origin = sampler.recording().originNanos(); // turn times count from here, as the time series do
        Recording recording;
        BenchRunner runner;
        RunStore store;
        RunManifest manifest;
        RunGuard guard;
        List<String> notes = new ArrayList<>();
        ModelPlan.Loaded loaded = null;
        try (sampler) {
            Phases.Phase load = phases.begin("load");
            loaded = ModelLoader.load(plan, model, cacheDir, data.offline(), err);
            load.end();
            ModelInfo info = loaded.runtime().info();
            err.printf(Locale.ROOT, "harness: loaded %s on %s (%s, %s) in %.1fs%n", info.architecture(), info.runtime(), info.weightDtype(),
                    EvalCommand.human(info.weightBytes()), loaded.loadSeconds());
            ChatTemplate template = ChatTemplate.of(Path.of(info.path()));
            if (!mode.equals("synthetic") && !template.modelsOwn()) {
                notes.add("the model has no chat template: turns use the plain 'User: ... / Assistant:' layout");
            }
            String ppPrompt = pp == null ? null : ppPrompt(loaded.runtime());

            store = runId != null ? RunStore.createNamed(output, runId) : RunStore.create(output, label(plan) + "-bench");
            BenchConfig config = new BenchConfig(mode, mode.equals("synthetic") ? null : prompts, convs.size(), repetitions, warmup,
                    maxTokens, pp == null ? 0 : pp, tg == null ? 0 : tg, sustainedFor == null ? null : sustainedFor.toMillis() / 1000.0,
                    cooldownTo, cooldownTo == null ? null : coolTimeout.toMillis() / 1000.0, meters.meters,
                    meters.monsoonTrace == null ? null : meters.monsoonTrace.toAbsolutePath().toString(), period.toMillis(), seed,
                    verification == null ? null : verification.referenceRun(), template.modelsOwn() ? "model" : "plain");
            BenchFiles.writeConfig(store.dir(), config);
            manifest = newManifest(store, plan, loaded);
            store.writeManifest(manifest);
            err.println("harness: bench run " + store.runId() + " -> " + store.dir());
            guard = RunGuard.install(store, manifest, err, "the turns finished so far are in samples-bench.jsonl; start a new run to measure again");

            int total = totalTurns(mode, convs);
            BenchProgress progress = new BenchProgress(err, System.console() != null && System.console().isTerminal(), total, sustainedFor);
            CoolDown cool = haveThermal ? new CoolDown(ThermalProbe.open(meters.sysRoot)) : null;
            String started = Instant.now().toString();
            try (JsonlLog<TurnRecord> log = JsonlLog.open(store.samplesFile(BenchFiles.SAMPLES))) {
                BenchRunner.Hooks hooks = new BenchRunner.Hooks(
                        haveThermal ? () -> hottest(turnThermal) : () -> null,
                        () -> coolDown(cool, coolTimeout, clock, err, notes),
                        turn -> {
                            TurnRecord kept = verification == null || turn.warmup() ? turn : verification.check(turn);
                            log.append(kept);
                            progress.advance(kept);
                            return kept;
                        });
                runner = new BenchRunner(loaded.runtime(), clock, origin, hooks);
                switch (mode) {
                    case "chat" -> runner.runChat(convs, template, maxTokens, repetitions, warmup);
                    case "sustained" -> runner.runSustained(convs, template, maxTokens, sustainedFor, warmup);
                    default -> runner.runSynthetic(ppPrompt, tg == null ? 0 : tg, repetitions, warmup);
                }
            } catch (RuntimeException e) {
                guard.fail(); // the turns finished so far stay in samples-bench.jsonl
                throw e;
            } finally {
                progress.finish();
            }
            manifest = manifest.withStatus("complete").withRuntime(info, measurements(loaded))
                    .withSegment(new RunManifest.Segment(started, Instant.now().toString(), runner.records().size(), "complete"));
        } finally {
            if (loaded != null) loaded.close();
        }
        recording = sampler.recording(); // after close(): its last reading covers the end of the last turn

        List<TurnRecord> turns = runner.records();
        List<MeterTrace> traces = traces(powerMeters, recording, monsoon, anchor, notes);
        List<PhaseWindow> windows = new ArrayList<>(phases.windows());
        windows.addAll(runner.windows());
        List<PhaseEnergy> energy = new ArrayList<>();
        List<PhaseSummary> phaseRows = new ArrayList<>();
        measureEnergy(traces, windows, turns, recording, energy, phaseRows);
        for (var u : recording.unavailable().entrySet()) notes.add(u.getKey() + " unavailable: " + u.getValue());
        for (Note n : recording.notes()) notes.add(n.source() + ": " + n.message());
        if (manifest.runtime().kvCacheBytesAtWindow() == null) notes.add("KV-cache bytes: not reported by the runtime");
        else notes.add("KV-cache bytes: the runtime's cache at its full window of " + manifest.runtime().contextLength() + " positions");

        BenchSummary summary = summary(store, mode, plan, manifest, turns, energy, runner, verification, notes);
        try {
            MeasurementCsv.writeSamples(store.dir().resolve("timeseries.csv"), recording);
            MeasurementCsv.writeSummaries(store.dir().resolve("phases.csv"), phaseRows);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        BenchFiles.writeTurns(store.dir(), turns);
        BenchFiles.writeSummary(store.dir(), summary);
        List<Path> plots = new ArrayList<>(BenchPlots.perTurn(summary.positions(), store.dir()));
        if (mode.equals("sustained")) plots.addAll(BenchPlots.sustained(turns, recording, store.dir()));
        guard.finish(manifest);
        print(out, summary);
        printVerification(out, err, summary.verification());
        out.println("results: " + store.dir() + " (" + plots.size() + " plot files)");
        return 0;
    }

    /** Each meter's energy per phase (load, and the prefill and decode of every measured turn), and a row per window. */
    private static void measureEnergy(List<MeterTrace> traces, List<PhaseWindow> windows, List<TurnRecord> turns, Recording recording,
            List<PhaseEnergy> energy, List<PhaseSummary> phaseRows) {
        List<TurnRecord> measured = turns.stream().filter(t -> !t.warmup()).toList();
        long inputTokens = measured.stream().mapToLong(t -> t.metrics().inputTokens()).sum();
        // Decode makes every token but the first (which prefill yields): the count decode tok/s uses too.
        long outputTokens = measured.stream().mapToLong(t -> Math.max(0, t.metrics().outputTokens() - 1)).sum();
        for (MeterTrace trace : traces) {
            energy.add(PhaseEnergy.of("load", trace, named(windows, "load"), OptionalLong.empty()));
            energy.add(PhaseEnergy.of("prefill", trace, named(windows, "prefill"), OptionalLong.of(inputTokens)));
            energy.add(PhaseEnergy.of("decode", trace, named(windows, "decode"), OptionalLong.of(outputTokens)));
            for (PhaseWindow w : windows) phaseRows.add(PhaseSummary.of(w, trace, recording, OptionalLong.empty(), OptionalLong.empty()));
        }
    }

    /** The output check's verdict: a line on stdout when nothing changed, a loud one on stderr when something did. */
    private static void printVerification(PrintWriter out, PrintWriter err, Verification.Result v) {
        if (v == null) return;
        if (v.changed() == 0) {
            out.println("verified against " + v.referenceRun() + ": " + v.compared() + " turns compared, none changed"
                    + (v.missing() > 0 ? " (" + v.missing() + " not in the reference)" : ""));
        } else {
            err.println("harness: OUTPUTS CHANGED against run " + v.referenceRun() + ": " + v.changed() + " of " + v.compared() + " turns ("
                    + String.join(", ", v.changedTurns().stream().limit(10).toList()) + ")");
        }
    }

    private String mode() {
        boolean synthetic = pp != null || tg != null;
        if (synthetic && sustained != null) throw HarnessException.usage("--sustained runs conversations; it cannot be combined with --pp/--tg");
        if (pp != null && pp < 1) throw HarnessException.usage("--pp must be at least 1");
        if (tg != null && tg < 1) throw HarnessException.usage("--tg must be at least 1");
        if (repetitions < 1) throw HarnessException.usage("--repetitions must be at least 1");
        if (warmup < 0) throw HarnessException.usage("--warmup must not be negative");
        if (maxTokens < 1) throw HarnessException.usage("--max-tokens must be at least 1");
        if (conversations < 1) throw HarnessException.usage("--conversations must be at least 1");
        return synthetic ? "synthetic" : sustained != null ? "sustained" : "chat";
    }

    private List<List<String>> conversations() {
        if (prompts == null) prompts = sustained != null ? "melt-sustained" : "melt";
        List<List<String>> all = PromptSets.load(prompts);
        return List.copyOf(all.subList(0, Math.min(conversations, all.size())));
    }

    private int totalTurns(String mode, List<List<String>> convs) {
        int turns = convs.stream().mapToInt(List::size).sum();
        return switch (mode) {
            case "chat" -> warmup + repetitions * turns;
            case "synthetic" -> (warmup + repetitions) * ((pp != null ? 1 : 0) + (tg != null ? 1 : 0));
            default -> warmup;
        };
    }

    private Verification reference() {
        RunStore ref = RunStore.locate(output, verifyAgainst);
        Path samples = ref.samplesFile(BenchFiles.SAMPLES);
        if (!Files.isRegularFile(ref.dir().resolve(BenchConfig.FILE)) || !Files.isRegularFile(samples)) {
            throw HarnessException.usage("run " + ref.runId() + " is not a bench run with samples (" + samples + ")");
        }
        return new Verification(ref.runId(), JsonlLog.read(samples, TurnRecord.class));
    }

    /** llama-bench's random prompt, in the model's own tokenizer (a GGUF file's, a folder's tokenizer.json). */
    private String ppPrompt(org.meltharness.runtime.Runtime runtime) {
        ModelInfo info = runtime.info();
        var own = runtime.tokenizer();
        if (own.isPresent()) return SyntheticPrompt.of(own.get(), pp, info.vocabularySize(), seed);
        try (HfTokenizer tok = HfTokenizer.load(Path.of(info.path()))) {
            return SyntheticPrompt.of(tok, pp, info.vocabularySize(), seed);
        }
    }

    private static Double hottest(ThermalProbe probe) {
        Double max = null;
        for (Reading r : probe.read(note -> { })) {
            if (max == null || r.value() > max) max = r.value();
        }
        return max;
    }

    private void coolDown(CoolDown cool, Duration timeout, MonotonicClock clock, PrintWriter err, List<String> notes) {
        if (cooldownTo == null || cool == null) return;
        try {
            CoolDown.Result r = cool.waitUntilBelow(cooldownTo, timeout, clock);
            String hottest = r.hottestAtEnd().map(e -> String.format(Locale.ROOT, "%s at %.1f °C", e.getKey(), e.getValue())).orElse("no zone");
            String line = String.format(Locale.ROOT, "cool-down to %.1f °C: %s after %.1f s (%s)", cooldownTo,
                    r.outcome().name().toLowerCase(Locale.ROOT), r.waited().toMillis() / 1000.0, hottest);
            err.println("harness: " + line);
            if (!r.reached()) notes.add(line);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HarnessException(HarnessException.INTERRUPTED, "interrupted while cooling down");
        }
    }

    private List<MeterTrace> traces(List<PowerMeter> meters, Recording recording, MonsoonTrace monsoon, ClockAnchor anchor,
            List<String> notes) {
        List<MeterTrace> out = new ArrayList<>();
        if (monsoon == null || !PowerMeters.available(meters).isEmpty()) out.addAll(PowerMeters.traces(meters, recording));
        if (monsoon != null) {
            notes.addAll(monsoon.notes());
            out.add(monsoon.alignedAt(anchor, this.meters.monsoonZero()));
        }
        return out;
    }

    private static List<PhaseWindow> named(List<PhaseWindow> windows, String name) {
        return windows.stream().filter(w -> w.name().equals(name)).toList();
    }

    private BenchSummary summary(RunStore store, String mode, ModelPlan plan, RunManifest manifest, List<TurnRecord> turns,
            List<PhaseEnergy> energy, BenchRunner runner, Verification verification, List<String> notes) {
        List<TurnRecord> measured = turns.stream().filter(t -> !t.warmup()).toList();
        Double start = measured.isEmpty() ? null : measured.getFirst().startCelsius();
        Double end = measured.isEmpty() ? null : measured.getLast().endCelsius();
        Double max = turns.stream().flatMap(t -> java.util.stream.Stream.of(t.startCelsius(), t.endCelsius()))
                .filter(java.util.Objects::nonNull).max(Double::compare).orElse(null);
        ModelInfo info = manifest.runtime();
        RunManifest.Measurements m = manifest.measurements();
        return new BenchSummary(store.runId(), mode, plan.source().requested(), modelLabel(plan), info.runtime(), plan.quant(),
                info.weightDtype(), info.weightBytes(), measured.size(), turns.size() - measured.size(), BenchStatistics.metrics(turns),
                BenchStatistics.perPosition(turns), energy, m.peakRssBytes() < 0 ? null : m.peakRssBytes(), m.heapPeakBytes(), info.kvCacheBytesAtWindow(), start,
                end, max, runner.overhead(), verification == null ? null : verification.result(turns), notes);
    }

    private RunManifest newManifest(RunStore store, ModelPlan plan, ModelPlan.Loaded loaded) {
        ModelInfo info = loaded.runtime().info();
        Path modelPath = Path.of(info.path());
        var weights = new WeightFiles(data.cacheDir()).describe(modelPath);
        Path tok = modelPath.resolve("tokenizer.json");
        String tokSha = Files.isRegularFile(tok) ? org.meltharness.io.Hashing.sha256(tok) : null;
        var modelRecord = new RunManifest.ModelRecord(plan.source().requested(), plan.source().alias(), info.path(), plan.provider().name(),
                plan.quant(), weights, tokSha, plan.runtimeChoice());
        // No task options: bench.json holds what this run was asked to do, and marks the folder as a bench run.
        return new RunManifest(store.runId(), Instant.now().toString(), "running", Environment.capture(), modelRecord, info, List.of(),
                null, measurements(loaded), List.of());
    }

    private static RunManifest.Measurements measurements(ModelPlan.Loaded loaded) {
        return new RunManifest.Measurements(loaded.loadSeconds(), Memory.peakResidentBytes(), Memory.heapPeakBytes(),
                loaded.runtime().info().weightBytes());
    }

    /** The model as tables name it: an alias, or the folder with its parent, "random" marked. */
    private String modelLabel(ModelPlan plan) {
        var source = plan.source();
        String name;
        if (source.alias() != null) {
            name = source.alias();
        } else {
            String r = source.requested().replaceAll("/+$", "");
            int slash = r.lastIndexOf('/');
            int before = slash < 0 ? -1 : r.lastIndexOf('/', slash - 1);
            name = r.substring(before + 1);
        }
        return "random".equals(model.weights) ? name + " (random weights)" : name;
    }

    private String label(ModelPlan plan) {
        String l = modelLabel(plan).replace(" (random weights)", "-random");
        return l.substring(l.lastIndexOf('/') + 1) + "-" + plan.quant();
    }

    private static void print(PrintWriter out, BenchSummary s) {
        out.printf(Locale.ROOT, "%s on %s (%s): %d measured turns, %d warm-up%n", s.label(), s.runtime(), s.quant(), s.measuredTurns(),
                s.warmupTurns());
        out.println("| kind | metric | mean ± sd | n |");
        out.println("|---|---|---|---|");
        for (MetricSummary m : s.metrics()) {
            String v = String.format(Locale.ROOT, "%.2f", m.mean()) + (m.sd() == null ? "" : String.format(Locale.ROOT, " ± %.2f", m.sd()));
            out.printf(Locale.ROOT, "| %s | %s (%s) | %s | %d |%n", m.kind(), m.metric(), m.unit(), v, m.n());
        }
        java.util.Set<String> reasons = new java.util.LinkedHashSet<>();
        for (PhaseEnergy e : s.energy()) {
            if (e.available()) {
                out.printf(Locale.ROOT, "energy %s/%s: %.3f J over %.2f s%s%n", e.meter(), e.phase(), e.joules(), e.seconds(),
                        e.joulesPerToken() == null ? "" : String.format(Locale.ROOT, ", %.5f J/token", e.joulesPerToken()));
            } else {
                out.printf(Locale.ROOT, "energy %s/%s: unavailable%s%n", e.meter(), e.phase(), reasons.add(e.unavailable()) ? " (" + e.unavailable() + ")" : "");
            }
        }
        if (s.peakRssBytes() != null) out.println("peak RSS: " + EvalCommand.human(s.peakRssBytes()));
        if (s.overhead() != null && s.overhead().fraction() != null) {
            out.printf(Locale.ROOT, "harness overhead: %.3f s of %.3f s measured (%.2f%%); warm-up: %.3f s of %.3f s%n",
                    s.overhead().overheadSeconds(), s.overhead().loopSeconds(), 100 * s.overhead().fraction(),
                    s.overhead().warmupOverheadSeconds(), s.overhead().warmupSeconds());
        }
    }
}
