package org.meltharness.cli;

import org.meltharness.command.CommonOptions;
import static org.meltharness.table.Column.left;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.meltharness.bench.BenchStatistics.MetricSummary;
import org.meltharness.bench.BenchSummary;
import org.meltharness.bench.Durations;
import org.meltharness.bench.PhaseEnergy;
import org.meltharness.bench.Verification;
import org.meltharness.report.Bytes;
import org.meltharness.run.bench.BenchRequest;
import org.meltharness.run.bench.BenchResult;
import org.meltharness.run.bench.BenchService;
import org.meltharness.table.Column;
import org.meltharness.table.Table;
import org.meltharness.table.TableFormat;
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

    /** The printed table of a bench run's metrics. */
    private static final List<Column<MetricSummary>> METRICS = List.of(left("kind", MetricSummary::kind),
            left("metric", m -> m.metric() + " (" + m.unit() + ")"),
            left("mean ± sd", m -> String.format(Locale.ROOT, "%.2f", m.mean()) + (m.sd() == null ? "" : String.format(Locale.ROOT, " ± %.2f", m.sd()))),
            left("n", MetricSummary::n));

    @Override
    public Integer call() throws InterruptedException {
        if (device.remote()) return device.dispatch("bench", spec);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        BenchRequest request = new BenchRequest(model.request(), prompts, conversations, repetitions, warmup, maxTokens, pp, tg,
                sustained == null ? null : Durations.parse(sustained), cooldownTo, Durations.parse(cooldownTimeout), verifyAgainst, seed,
                meters.settings(), data.location(), output, runId);
        BenchResult result = new BenchService(err).run(request);
        print(out, result.summary());
        printVerification(out, err, result.summary().verification());
        out.println("results: " + result.dir() + " (" + result.plotFiles() + " plot files)");
        return 0;
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

    private static void print(PrintWriter out, BenchSummary s) {
        out.printf(Locale.ROOT, "%s on %s (%s): %d measured turns, %d warm-up%n", s.label(), s.runtime(), s.quant(), s.measuredTurns(),
                s.warmupTurns());
        out.print(TableFormat.MD.render(Table.of("bench", null, METRICS, s.metrics(), List.of())));
        Set<String> reasons = new LinkedHashSet<>();
        for (PhaseEnergy e : s.energy()) {
            if (e.available()) {
                out.printf(Locale.ROOT, "energy %s/%s: %.3f J over %.2f s%s%n", e.meter(), e.phase(), e.joules(), e.seconds(),
                        e.joulesPerToken() == null ? "" : String.format(Locale.ROOT, ", %.5f J/token", e.joulesPerToken()));
            } else {
                out.printf(Locale.ROOT, "energy %s/%s: unavailable%s%n", e.meter(), e.phase(), reasons.add(e.unavailable()) ? " (" + e.unavailable() + ")" : "");
            }
        }
        if (s.peakRssBytes() != null) out.println("peak RSS: " + Bytes.human(s.peakRssBytes()));
        if (s.overhead() != null && s.overhead().fraction() != null) {
            out.printf(Locale.ROOT, "harness overhead: %.3f s of %.3f s measured (%.2f%%); warm-up: %.3f s of %.3f s%n",
                    s.overhead().overheadSeconds(), s.overhead().loopSeconds(), 100 * s.overhead().fraction(),
                    s.overhead().warmupOverheadSeconds(), s.overhead().warmupSeconds());
        }
    }
}
