package org.meltharness.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.meltharness.model.ModelAlias;
import org.meltharness.model.ModelResolver;
import org.meltharness.runtime.RuntimeProvider;
import org.meltharness.runtime.Runtimes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code harness models}: the model aliases and where each resolves, and the runtimes available. */
@Command(name = "models", mixinStandardHelpOptions = true, description = "List model aliases and runtimes.")
final class ModelsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println("| alias | model | safetensors (jlama, djl) | gguf (llamacpp) |");
        out.println("|-------|-------|--------------------------|-----------------|");
        for (ModelAlias a : ModelResolver.builtin().aliases().values()) {
            out.printf("| %s | %s | %s | %s |%n", a.name(), a.description(), orDash(a.safetensors()), orDash(a.gguf()));
        }
        out.println();
        out.println("Append a quantisation to an alias to pick it, e.g. llama2-7b-q4. Hub downloads use HF_TOKEN when set.");
        out.println();
        out.println("| runtime | quantisations | description |");
        out.println("|---------|---------------|-------------|");
        for (RuntimeProvider p : Runtimes.providers()) {
            out.printf("| %s | %s | %s |%n", p.name(), String.join(", ", p.quantizations()), p.description());
        }
        return 0;
    }

    private static String orDash(String s) {
        return s == null ? "-" : s;
    }
}
