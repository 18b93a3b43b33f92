package org.meltharness.run.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Stream;
import org.meltharness.HarnessException;
import org.meltharness.bench.BenchConfig;
import org.meltharness.bench.BenchFiles;
import org.meltharness.bench.BenchMode;
import org.meltharness.bench.BenchProgress;
import org.meltharness.bench.BenchRunner;
import org.meltharness.bench.BenchStatistics;
import org.meltharness.bench.BenchSummary;
import org.meltharness.bench.ChatTemplate;
import org.meltharness.bench.PromptSets;
import org.meltharness.bench.SyntheticPrompt;
import org.meltharness.bench.TurnRecord;
import org.meltharness.bench.Verification;
import org.meltharness.measure.ClockAnchor;
import org.meltharness.measure.CoolDown;
import org.meltharness.measure.CpuFrequencyProbe;
import org.meltharness.measure.MeasurementCsv;
import org.meltharness.measure.MemoryProbe;
import org.meltharness.measure.MonotonicClock;
import org.meltharness.measure.MonsoonTrace;
import org.meltharness.measure.Note;
import org.meltharness.measure.PhaseWindow;
import org.meltharness.measure.Phases;
import org.meltharness.measure.PowerMeter;
import org.meltharness.measure.Probe;
import org.meltharness.measure.Reading;
import org.meltharness.measure.Recording;
import org.meltharness.measure.Sampler;
import org.meltharness.measure.ThermalProbe;
import org.meltharness.model.ModelLabel;
import org.meltharness.model.ModelPlan;
import org.meltharness.report.BenchPlots;
import org.meltharness.report.Bytes;
import org.meltharness.results.JsonlLog;
import org.meltharness.results.RunManifest;
import org.meltharness.results.RunStatus;
import org.meltharness.results.RunStore;
import org.meltharness.run.RunGuard;
import org.meltharness.run.RunManifests;
import org.meltharness.runtime.ModelInfo;
import org.meltharness.tokenize.HfTokenizer;

/**
 * Runs a {@link BenchRequest}: generation speed, energy, memory and temperature, MELT's way, into a
 * run folder ({@code bench.json}, {@code samples-bench.jsonl}, {@code turns.csv}, {@code timeseries.csv},
 * {@code phases.csv}, summary, plots). Notices and progress go to {@code err}.
 */
public final class BenchService {
    private final PrintWriter err;

    public BenchService(PrintWriter err) {
        this.err = err;
    }

    public BenchResult run(BenchRequest r) throws InterruptedException {
        BenchMode mode = mode(r);
        Duration sustainedFor = r.sustained();
        if (sustainedFor != null && (sustainedFor.isZero() || sustainedFor.isNegative())) {
            throw HarnessException.usage("--sustained must be a positive duration, not " + sustainedFor.toMillis() / 1000.0 + " s");
        }
        Duration coolTimeout = r.cooldownTimeout() == null ? Duration.ofMinutes(10) : r.cooldownTimeout();
        MeterSettings meterSettings = r.meters();
        Duration period = meterSettings.period();
        String prompts = mode == BenchMode.SYNTHETIC ? null : r.prompts() != null ? r.prompts()
                : mode == BenchMode.SUSTAINED ? "melt-sustained" : "melt";
        List<List<String>> convs = mode == BenchMode.SYNTHETIC ? List.of() : conversations(prompts, r.conversations());
        Verification verification = r.verifyAgainst() == null ? null : reference(r);
        MonsoonTrace monsoon = meterSettings.monsoon();
        Instant monsoonZero = monsoon == null ? null : meterSettings.monsoonZero();
        List<PowerMeter> powerMeters = meterSettings.powerMeters();
        ThermalProbe thermal = ThermalProbe.open(meterSettings.sysRoot());
        ThermalProbe turnThermal = ThermalProbe.open(meterSettings.sysRoot()); // its own sensor state: the sampler reads the other
        boolean haveThermal = turnThermal.whyUnavailable().isEmpty();
        if (r.cooldownTo() != null && !haveThermal) {
            throw HarnessException.usage("--cooldown-to needs thermal sensors: " + turnThermal.whyUnavailable().get());
        }

        Path cacheDir = r.data().cacheDir();
        ModelPlan plan = r.model().plan(r.seed(), cacheDir);
        ModelLabel label = ModelLabel.of(plan.source().requested(), plan.source().alias(), "random".equals(r.model().weights()));
        MonotonicClock clock = MonotonicClock.system();
        ClockAnchor anchor = ClockAnchor.now(clock);
        List<Probe> probes = new ArrayList<>(powerMeters);
        probes.add(thermal);
        probes.add(CpuFrequencyProbe.open(meterSettings.sysRoot()));
        probes.add(MemoryProbe.self());
        Phases phases = new Phases(clock);
        Sampler sampler = Sampler.start(clock, period, probes);
        long origin = sampler.recording().originNanos(); // turn times count from here, as the time series do
        BenchRunner runner;
        RunStore store;
        RunManifest manifest;
        RunGuard guard;
        List<String> notes = new ArrayList<>();
        ModelPlan.Loaded loaded = null;
        try (sampler) {
            Phases.Phase load = phases.begin("load");
            loaded = r.model().load(plan, r.data(), err);
            load.end();
            ModelInfo info = loaded.runtime().info();
            err.printf(Locale.ROOT, "harness: loaded %s on %s (%s, %s) in %.1fs%n", info.architecture(), info.runtime(), info.weightDtype(),
                    Bytes.human(info.weightBytes()), loaded.loadSeconds());
            ChatTemplate template = ChatTemplate.of(Path.of(info.path()));
            if (mode != BenchMode.SYNTHETIC && !template.modelsOwn()) {
                notes.add("the model has no chat template: turns use the plain 'User: ... / Assistant:' layout");
            }
            String ppPrompt = r.pp() == null ? null : ppPrompt(loaded.runtime(), r.pp(), r.seed());

            store = r.runId() != null ? RunStore.createNamed(r.output(), r.runId())
                    : RunStore.create(r.output(), label.runIdPart(plan.quant()) + "-bench");
            BenchConfig config = new BenchConfig(mode, prompts, convs.size(), r.repetitions(), r.warmup(), r.maxTokens(),
                    r.pp() == null ? 0 : r.pp(), r.tg() == null ? 0 : r.tg(), sustainedFor == null ? null : sustainedFor.toMillis() / 1000.0,
                    r.cooldownTo(), r.cooldownTo() == null ? null : coolTimeout.toMillis() / 1000.0, meterSettings.meters(),
                    meterSettings.monsoonTrace() == null ? null : meterSettings.monsoonTrace().toAbsolutePath().toString(), period.toMillis(),
                    r.seed(), verification == null ? null : verification.referenceRun(), template.modelsOwn() ? "model" : "plain");
            BenchFiles.writeConfig(store.dir(), config);
            manifest = RunManifests.begin(store, loaded, cacheDir, List.of(), null);
            store.writeManifest(manifest);
            err.println("harness: bench run " + store.runId() + " -> " + store.dir());
            guard = RunGuard.install(store, manifest, err, "the turns finished so far are in samples-bench.jsonl; start a new run to measure again");

            BenchProgress progress = new BenchProgress(err, System.console() != null && System.console().isTerminal(),
                    totalTurns(mode, r, convs), sustainedFor);
            CoolDown cool = haveThermal ? new CoolDown(ThermalProbe.open(meterSettings.sysRoot())) : null;
            String started = Instant.now().toString();
            try (JsonlLog<TurnRecord> log = JsonlLog.open(store.samplesFile(BenchFiles.SAMPLES))) {
                BenchRunner.Hooks hooks = new BenchRunner.Hooks(
                        haveThermal ? () -> hottest(turnThermal) : () -> null,
                        () -> coolDown(cool, r.cooldownTo(), coolTimeout, clock, notes),
                        turn -> {
                            TurnRecord kept = verification == null || turn.warmup() ? turn : verification.check(turn);
                            log.append(kept);
                            progress.advance(kept);
                            return kept;
                        });
                runner = new BenchRunner(loaded.runtime(), clock, origin, hooks);
                switch (mode) {
                    case CHAT -> runner.runChat(convs, template, r.maxTokens(), r.repetitions(), r.warmup());
                    case SUSTAINED -> runner.runSustained(convs, template, r.maxTokens(), sustainedFor, r.warmup());
                    case SYNTHETIC -> runner.runSynthetic(ppPrompt, r.tg() == null ? 0 : r.tg(), r.repetitions(), r.warmup());
                }
            } catch (RuntimeException e) {
                guard.fail(); // the turns finished so far stay in samples-bench.jsonl
                throw e;
            } finally {
                progress.finish();
            }
            manifest = manifest.withStatus(RunStatus.COMPLETE).withRuntime(info, RunManifests.measurements(loaded))
                    .withSegment(new RunManifest.Segment(started, Instant.now().toString(), runner.records().size(), RunStatus.COMPLETE));
        } finally {
            if (loaded != null) loaded.close();
        }
        Recording recording = sampler.recording(); // after close(): its last reading covers the end of the last turn

        List<TurnRecord> turns = runner.records();
        List<PhaseWindow> windows = new ArrayList<>(phases.windows());
        windows.addAll(runner.windows());
        BenchEnergy energy = BenchEnergy.of(BenchEnergy.traces(powerMeters, recording, monsoon, anchor, monsoonZero, notes), windows,
                turns, recording);
        for (var u : recording.unavailable().entrySet()) notes.add(u.getKey() + " unavailable: " + u.getValue());
        for (Note n : recording.notes()) notes.add(n.source() + ": " + n.message());
        if (manifest.runtime().kvCacheBytesAtWindow() == null) notes.add("KV-cache bytes: not reported by the runtime");
        else notes.add("KV-cache bytes: the runtime's cache at its full window of " + manifest.runtime().contextLength() + " positions");

        BenchSummary summary = summary(store, mode, plan, label, manifest, turns, energy, runner, verification, notes);
        try {
            MeasurementCsv.writeSamples(store.dir().resolve("timeseries.csv"), recording);
            MeasurementCsv.writeSummaries(store.dir().resolve("phases.csv"), energy.rows());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the time series of " + store.dir(), e);
        }
        BenchFiles.writeTurns(store.dir(), turns);
        BenchFiles.writeSummary(store.dir(), summary);
        List<Path> plots = new ArrayList<>(BenchPlots.perTurn(summary.positions(), store.dir()));
        if (mode == BenchMode.SUSTAINED) plots.addAll(BenchPlots.sustained(turns, recording, store.dir()));
        guard.finish(manifest);
        return new BenchResult(store.dir(), summary, plots.size());
    }

    private static BenchMode mode(BenchRequest r) {
        boolean synthetic = r.pp() != null || r.tg() != null;
        if (synthetic && r.sustained() != null) throw HarnessException.usage("--sustained runs conversations; it cannot be combined with --pp/--tg");
        if (r.pp() != null && r.pp() < 1) throw HarnessException.usage("--pp must be at least 1");
        if (r.tg() != null && r.tg() < 1) throw HarnessException.usage("--tg must be at least 1");
        if (r.repetitions() < 1) throw HarnessException.usage("--repetitions must be at least 1");
        if (r.warmup() < 0) throw HarnessException.usage("--warmup must not be negative");
        if (r.maxTokens() < 1) throw HarnessException.usage("--max-tokens must be at least 1");
        if (r.conversations() < 1) throw HarnessException.usage("--conversations must be at least 1");
        return synthetic ? BenchMode.SYNTHETIC : r.sustained() != null ? BenchMode.SUSTAINED : BenchMode.CHAT;
    }

    private static List<List<String>> conversations(String prompts, int count) {
        List<List<String>> all = PromptSets.load(prompts);
        return List.copyOf(all.subList(0, Math.min(count, all.size())));
    }

    private static int totalTurns(BenchMode mode, BenchRequest r, List<List<String>> convs) {
        int turns = convs.stream().mapToInt(List::size).sum();
        return switch (mode) {
            case CHAT -> r.warmup() + r.repetitions() * turns;
            case SYNTHETIC -> (r.warmup() + r.repetitions()) * ((r.pp() != null ? 1 : 0) + (r.tg() != null ? 1 : 0));
            case SUSTAINED -> r.warmup();
        };
    }

    private static Verification reference(BenchRequest r) {
        RunStore ref = RunStore.locate(r.output(), r.verifyAgainst());
        Path samples = ref.samplesFile(BenchFiles.SAMPLES);
        if (!Files.isRegularFile(ref.dir().resolve(BenchConfig.FILE)) || !Files.isRegularFile(samples)) {
            throw HarnessException.usage("run " + ref.runId() + " is not a bench run with samples (" + samples + ")");
        }
        return new Verification(ref.runId(), JsonlLog.read(samples, TurnRecord.class));
    }

    /** llama-bench's random prompt, in the model's own tokenizer (a GGUF file's, a folder's tokenizer.json). */
    private static String ppPrompt(org.meltharness.runtime.Runtime runtime, int pp, long seed) {
        ModelInfo info = runtime.info();
        var own = runtime.tokenizer();
        if (own.isPresent()) return SyntheticPrompt.of(own.get(), pp, info.vocabularySize(), seed);
        try (HfTokenizer tok = HfTokenizer.load(Path.of(info.path()))) {
            return SyntheticPrompt.of(tok, pp, info.vocabularySize(), seed);
        }
    }

    private static Double hottest(ThermalProbe probe) {
        Double max = null;
        for (Reading reading : probe.read(note -> { })) {
            if (max == null || reading.value() > max) max = reading.value();
        }
        return max;
    }

    private void coolDown(CoolDown cool, Double to, Duration timeout, MonotonicClock clock, List<String> notes) {
        if (to == null || cool == null) return;
        try {
            CoolDown.Result result = cool.waitUntilBelow(to, timeout, clock);
            String hottest = result.hottestAtEnd().map(e -> String.format(Locale.ROOT, "%s at %.1f °C", e.getKey(), e.getValue()))
                    .orElse("no zone");
            String line = String.format(Locale.ROOT, "cool-down to %.1f °C: %s after %.1f s (%s)", to,
                    result.outcome().name().toLowerCase(Locale.ROOT), result.waited().toMillis() / 1000.0, hottest);
            err.println("harness: " + line);
            if (!result.reached()) notes.add(line);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw HarnessException.interrupted("interrupted while cooling down");
        }
    }

    private static BenchSummary summary(RunStore store, BenchMode mode, ModelPlan plan, ModelLabel label, RunManifest manifest,
            List<TurnRecord> turns, BenchEnergy energy, BenchRunner runner, Verification verification, List<String> notes) {
        List<TurnRecord> measured = turns.stream().filter(t -> !t.warmup()).toList();
        Double start = measured.isEmpty() ? null : measured.getFirst().startCelsius();
        Double end = measured.isEmpty() ? null : measured.getLast().endCelsius();
        Double max = turns.stream().flatMap(t -> Stream.of(t.startCelsius(), t.endCelsius())).filter(Objects::nonNull)
                .max(Double::compare).orElse(null);
        ModelInfo info = manifest.runtime();
        RunManifest.Measurements m = manifest.measurements();
        return new BenchSummary(store.runId(), mode, plan.source().requested(), label.display(), info.runtime(), plan.quant(),
                info.weightDtype(), info.weightBytes(), measured.size(), turns.size() - measured.size(), BenchStatistics.metrics(turns),
                BenchStatistics.perPosition(turns), energy.phases(), m.peakRssBytes() < 0 ? null : m.peakRssBytes(), m.heapPeakBytes(),
                info.kvCacheBytesAtWindow(), start, end, max, runner.overhead(), verification == null ? null : verification.result(turns),
                notes);
    }
}
