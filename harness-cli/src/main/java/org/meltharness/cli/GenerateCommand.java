package org.meltharness.cli;

import org.meltharness.command.CommonOptions;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.meltharness.model.ModelPlan;
import org.meltharness.run.DataLocation;
import org.meltharness.run.ModelRequest;
import org.meltharness.runtime.Generation;
import org.meltharness.runtime.GenerationRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code harness generate}: stream a model's continuation of a prompt, with its timings on stderr. */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Generate text; the text goes to stdout as it is produced, timings to stderr.")
final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(names = {"-p", "--prompt"}, paramLabel = "TEXT", defaultValue = "",
            description = "The prompt (default: empty, i.e. start from the beginning-of-sequence token).")
    String prompt;

    @Option(names = {"-n", "--max-tokens"}, paramLabel = "N", defaultValue = "200",
            description = "Tokens to generate at most (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "0",
            description = "0 for greedy decoding (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "0", description = "Seed of sampling when T > 0, and of --weights random.")
    long seed;

    @Option(names = "--ignore-eos", description = "Keep generating past the end-of-sequence token.")
    boolean ignoreEos;

    @Option(names = "--stop", paramLabel = "TEXT", description = "Stop when this text is generated (repeatable).")
    List<String> stop = new java.util.ArrayList<>();

    @Mixin
    DataLocationOptions data;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (maxTokens < 1) throw org.meltharness.HarnessException.usage("--max-tokens must be at least 1");
        if (temperature < 0) throw org.meltharness.HarnessException.usage("--temperature must not be negative");
        DataLocation location = data.location();
        ModelRequest asked = model.request();
        ModelPlan plan = asked.plan(seed, location.cacheDir());
        try (ModelPlan.Loaded loaded = asked.load(plan, location, err)) {
            var request = new GenerationRequest(prompt, maxTokens, temperature, seed, !ignoreEos, stop);
            Generation g = loaded.runtime().generate(request, (id, text) -> {
                out.print(text);
                out.flush();
            });
            out.flush();
            printTimings(err, g, loaded.loadSeconds());
        }
        return 0;
    }

    /** MLPerf Client's definitions: TTFT from request start; decode rate over tokens after the first. */
    static void printTimings(PrintWriter err, Generation g, double loadSeconds) {
        int n = g.tokens().length;
        double ttftMs = n > 0 ? g.tokenNanos()[0] / 1e6 : Double.NaN;
        double decodeRate = n > 1 ? (n - 1) / ((g.tokenNanos()[n - 1] - g.tokenNanos()[0]) / 1e9) : Double.NaN;
        double prefillRate = g.prefillNanos() > 0 ? g.promptTokens() / (g.prefillNanos() / 1e9) : Double.NaN;
        err.println();
        err.printf(Locale.ROOT, "harness: %d prompt tokens, %d generated (%s); load %.2fs, TTFT %.1f ms, "
                        + "prefill %.1f tok/s, decode %.1f tok/s%n",
                g.promptTokens(), n, g.finishReason().name().toLowerCase(Locale.ROOT), loadSeconds, ttftMs,
                prefillRate, decodeRate);
    }
}
