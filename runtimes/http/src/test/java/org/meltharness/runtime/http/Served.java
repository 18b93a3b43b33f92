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
        java.nio.file.Path cache = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "melt-http-test-cache");
        org.meltharness.model.ModelPlan plan = org.meltharness.model.ModelPlan.resolve(model(), "jlama", null, "stored",
                0L, cache);
        org.meltharness.model.ModelPlan.Loaded loaded = plan.load(1, cache, true, java.util.Map.of());
        ServedModel served = new ServedModel(loaded.runtime(), model(), java.util.Set.of(), "jlama", plan.quant());
        return OpenAiServer.start(served, new OpenAiServer.Settings("127.0.0.1", 0, queue, 1 << 20, apiKey),
                msg -> System.err.println("serve: " + msg));
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
