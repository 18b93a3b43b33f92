package org.meltharness.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.meltharness.HarnessException;
import org.meltharness.model.ModelAlias;
import org.meltharness.model.ModelResolver;
import org.meltharness.runtime.RuntimeProvider;
import org.meltharness.runtime.Runtimes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code harness models}: what each alias and each of its quantisation suffixes resolves to (the
 * runtime the harness would choose, the repository and file, the download size, whether a token is
 * needed), and the runtimes available.
 */
@Command(name = "models", mixinStandardHelpOptions = true, description = "List model aliases and runtimes.")
final class ModelsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ModelResolver resolver = ModelResolver.builtin();
        out.println("| --model | what | runtime | repository or folder | file | download | HF_TOKEN |");
        out.println("|---------|------|---------|----------------------|------|----------|----------|");
        for (ModelAlias a : resolver.aliases().values()) {
            String token = a.gated() ? "yes" : "no";
            if (a.local() != null) {
                out.printf("| %s | %s | %s | %s | - | none (in the repository) | no |%n", a.name(), a.description(),
                        runtime(resolver, a.name()), a.local());
                continue;
            }
            if (a.safetensors() != null) {
                out.printf("| %s | %s, full precision | %s | %s | *.safetensors | %s | %s |%n", a.name(), a.description(),
                        runtime(resolver, a.name()), a.safetensors(), gb(a.safetensorsGb()), token);
            }
            for (Map.Entry<String, ModelAlias.GgufFile> f : a.ggufFiles().entrySet()) {
                String name = a.name() + "-" + f.getKey();
                String also = f.getKey().equals("q4_0") ? " (also -q4)" : f.getKey().equals("q8_0") ? " (also -q8)" : "";
                out.printf("| %s | %s%s | %s | %s | %s | %s | %s |%n", name, f.getKey(), also, runtime(resolver, name), a.gguf(),
                        f.getValue().file(), gb(f.getValue().gb()), token);
            }
            if (a.gguf() != null && a.ggufFiles().isEmpty()) {
                out.printf("| %s-QUANT | a GGUF file of %s | llamacpp | %s | *QUANT.gguf | - | %s |%n", a.name(), a.gguf(), a.gguf(), token);
            }
        }
        out.println();
        out.println("A plain alias is the full-precision reference; -q4 is q4_0 (MELT's q4_0 row), -q8 is q8_0. With no --runtime");
        out.println("the harness runs the fastest runtime that computes the quantisation exactly. Hub downloads use HF_TOKEN when set.");
        out.println();
        out.println("| runtime | quantisations | description |");
        out.println("|---------|---------------|-------------|");
        for (RuntimeProvider p : Runtimes.providers()) {
            out.printf("| %s | %s | %s |%n", p.name(), String.join(", ", p.quantizations()), p.description());
        }
        return 0;
    }

    /** The runtime the harness would choose for this name with no --runtime, or why none. */
    private static String runtime(ModelResolver resolver, String name) {
        try {
            ModelResolver.Resolved r = resolver.resolve(name);
            String quant = r.quant().orElse(r.source().isLocal() ? null : "f32");
            var choice = Runtimes.choose(null, r.source(), java.util.Collections.singletonList(quant));
            return choice.provider().name() + " " + choice.offers().getFirst().quant();
        } catch (HarnessException e) {
            return "none here";
        }
    }

    private static String gb(Double gb) {
        return gb == null ? "?" : String.format(Locale.ROOT, "%.2f GB", gb);
    }
}
