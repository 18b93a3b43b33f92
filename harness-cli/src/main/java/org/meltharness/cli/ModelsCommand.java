package org.meltharness.cli;

import org.meltharness.command.CommonOptions;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.meltharness.HarnessException;
import org.meltharness.model.ModelAlias;
import org.meltharness.model.ModelResolver;
import org.meltharness.runtime.RuntimeProvider;
import org.meltharness.runtime.Runtimes;
import org.meltharness.table.Table;
import org.meltharness.table.TableFormat;
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
        List<List<String>> models = new ArrayList<>();
        for (ModelAlias a : resolver.aliases().values()) {
            String token = a.gated() ? "yes" : "no";
            if (a.local() != null) {
                models.add(List.of(a.name(), a.description(), runtime(resolver, a.name()), a.local(), "-", "none (in the repository)", "no"));
                continue;
            }
            if (a.safetensors() != null) {
                models.add(List.of(a.name(), a.description() + ", full precision", runtime(resolver, a.name()), a.safetensors(),
                        "*.safetensors", gb(a.safetensorsGb()), token));
            }
            for (Map.Entry<String, ModelAlias.GgufFile> f : a.ggufFiles().entrySet()) {
                String name = a.name() + "-" + f.getKey();
                String also = f.getKey().equals("q4_0") ? " (also -q4)" : f.getKey().equals("q8_0") ? " (also -q8)" : "";
                models.add(List.of(name, f.getKey() + also, runtime(resolver, name), a.gguf(), f.getValue().file(), gb(f.getValue().gb()),
                        token));
            }
            if (a.gguf() != null && a.ggufFiles().isEmpty()) {
                models.add(List.of(a.name() + "-QUANT", "a GGUF file of " + a.gguf(), "llamacpp", a.gguf(), "*QUANT.gguf", "-", token));
            }
        }
        out.print(TableFormat.MD.render(new Table("models", null,
                List.of("--model", "what", "runtime", "repository or folder", "file", "download", "HF_TOKEN"), models, List.of())));
        out.println();
        out.println("A plain alias is the full-precision reference; -q4 is q4_0 (MELT's q4_0 row), -q8 is q8_0. With no --runtime");
        out.println("the harness runs the fastest runtime that computes the quantisation exactly. Hub downloads use HF_TOKEN when set.");
        out.println();
        List<List<String>> runtimes = new ArrayList<>();
        for (RuntimeProvider p : Runtimes.providers()) runtimes.add(List.of(p.name(), String.join(", ", p.quantizations()), p.description()));
        out.print(TableFormat.MD.render(new Table("runtimes", null, List.of("runtime", "quantisations", "description"), runtimes, List.of())));
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
