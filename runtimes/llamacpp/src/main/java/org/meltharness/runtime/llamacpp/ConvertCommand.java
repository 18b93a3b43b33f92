package org.meltharness.runtime.llamacpp;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.meltharness.HarnessException;
import org.meltharness.command.CommonOptions;
import org.meltharness.model.RandomWeights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code harness convert}: a Hugging Face Llama-family folder to a GGUF file. */
@Command(name = "convert", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Convert a Hugging Face Llama-family folder (llama, mistral, qwen2) to GGUF, tokenizer included.")
final class ConvertCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, paramLabel = "DIR", required = true,
            description = "A folder with config.json, tokenizer files and safetensors weights.")
    Path model;

    @Option(names = "--to", paramLabel = "FORMAT", defaultValue = "gguf", description = "Output format: gguf.")
    String to;

    @Option(names = "--dtype", paramLabel = "TYPE", defaultValue = "f32",
            description = "Matrix type: f32, f16 or bf16 (vectors stay f32; default: ${DEFAULT-VALUE}).")
    String dtype;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE", required = true, description = "The GGUF file to write.")
    Path out;

    @Option(names = "--weights", paramLabel = "stored|random", defaultValue = "stored",
            description = "random: seeded random weights for a shape folder (config.json and tokenizer only).")
    String weights;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "Seed of --weights random.")
    long seed;

    @Mixin
    LibraryOptions library;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        if (!to.equalsIgnoreCase("gguf")) throw HarnessException.usage("convert writes --to gguf only, not " + to);
        GgmlType type = switch (dtype.toLowerCase(Locale.ROOT)) {
            case "f32" -> GgmlType.F32;
            case "f16" -> GgmlType.F16;
            case "bf16" -> GgmlType.BF16;
            default -> throw HarnessException.usage("--dtype is f32, f16 or bf16, not " + dtype);
        };
        if (!Files.isDirectory(model)) throw HarnessException.badData("model folder " + model + " does not exist");
        Path source = switch (weights) {
            case "stored" -> model;
            case "random" -> RandomWeights.materialize(model, seed, library.cacheDir());
            default -> throw HarnessException.usage("--weights is stored or random, not " + weights);
        };
        long t0 = System.nanoTime();
        HfConverter.Result r = HfConverter.convert(library.library(), source, out, type);
        PrintWriter o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "wrote %s: %s, %d tensors, %.1f MB of %s weights, vocabulary %s (%d tokens), %.1fs%n", out,
                r.architecture(), r.tensors(), r.bytes() / 1e6, type.label(), r.vocabulary().model()
                        + (r.vocabulary().pre() == null ? "" : "/" + r.vocabulary().pre()),
                r.vocabulary().tokens().size(), (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
