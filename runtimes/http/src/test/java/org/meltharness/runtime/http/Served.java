package org.meltharness.runtime.http;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.meltharness.SharedFiles;
import org.meltharness.cli.Cli;
import picocli.CommandLine;

/** Test helpers: {@code harness serve} started in-process on stories260K, and in-process CLI runs. */
final class Served {
    private Served() {}

    static String model() {
        return SharedFiles.stories260kPad192().toString();
    }

    /** Starts {@code serve} over Jlama on an ephemeral loopback port, with extra serve options. */
    static OpenAiServer start(String... more) {
        List<String> args = new ArrayList<>(List.of("--model", model(), "--runtime", "jlama", "--port", "0",
                "--threads", "1", "--offline"));
        args.addAll(List.of(more));
        ServeCommand cmd = new ServeCommand();
        new CommandLine(cmd).parseArgs(args.toArray(String[]::new));
        return cmd.open(new PrintWriter(System.err, true));
    }

    /** Starts a server over Jlama directly, with the given queue bound and bearer token (or null). */
    static OpenAiServer startWith(int queue, String apiKey) {
        return startWith(queue, apiKey, java.util.function.UnaryOperator.identity());
    }

    /** As {@link #startWith(int, String)}, serving the runtime as {@code wrap} presents it. */
    static OpenAiServer startWith(int queue, String apiKey, java.util.function.UnaryOperator<org.meltharness.runtime.Runtime> wrap) {
        return startWith(new OpenAiServer.Settings("127.0.0.1", 0, queue, 1 << 20, apiKey), wrap);
    }

    /** A server with {@code settings} over Jlama, the runtime as {@code wrap} presents it. */
    static OpenAiServer startWith(OpenAiServer.Settings settings,
            java.util.function.UnaryOperator<org.meltharness.runtime.Runtime> wrap) {
        java.nio.file.Path cache = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "melt-http-test-cache");
        org.meltharness.model.ModelPlan plan = org.meltharness.model.ModelPlan.resolve(model(), "jlama", null, "stored",
                0L, cache);
        org.meltharness.model.ModelPlan.Loaded loaded = plan.load(1, cache, true, java.util.Map.of());
        ServedModel served = new ServedModel(wrap.apply(loaded.runtime()), model(), java.util.Set.of(), "jlama", plan.quant());
        return OpenAiServer.start(served, settings, msg -> System.err.println("serve: " + msg));
    }

    /** Jlama on stories260K in-process, to compare the server's answers with. */
    static org.meltharness.runtime.Runtime jlama() {
        return new org.meltharness.runtime.jlama.JlamaRuntimeProvider().open(new org.meltharness.runtime.RuntimeConfig(
                org.meltharness.runtime.ModelSource.local(java.nio.file.Path.of(model())), "f32", 1,
                java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "melt-http-test-cache"), true, java.util.Map.of()));
    }

    /** A runtime that takes text only: {@code runtime} without its token-id capability. */
    static org.meltharness.runtime.Runtime textOnly(org.meltharness.runtime.Runtime runtime) {
        return new org.meltharness.runtime.Runtime() {
            @Override
            public org.meltharness.runtime.ModelInfo info() {
                return runtime.info();
            }

            @Override
            public java.util.List<org.meltharness.runtime.LoglikelihoodResult> loglikelihood(
                    java.util.List<org.meltharness.runtime.LoglikelihoodRequest> requests) {
                return runtime.loglikelihood(requests);
            }

            @Override
            public java.util.List<org.meltharness.runtime.LoglikelihoodResult> loglikelihood(
                    java.util.List<org.meltharness.runtime.LoglikelihoodRequest> requests,
                    org.meltharness.runtime.DistributionObserver observer) {
                return runtime.loglikelihood(requests, observer);
            }

            @Override
            public org.meltharness.runtime.Generation generate(org.meltharness.runtime.GenerationRequest request,
                    org.meltharness.runtime.TokenListener listener) {
                return runtime.generate(request, listener);
            }

            @Override
            public void close() {
                runtime.close();
            }
        };
    }

    /** One in-process run of the {@code harness} command line. */
    record Run(int exitCode, String out, String err) {}

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }
}
