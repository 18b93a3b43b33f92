package org.meltharness.runtime.llamacpp;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.meltharness.HarnessException;
import org.meltharness.command.CommonOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code harness quantize}: an F32/F16/BF16 GGUF to a quantised one, by llama.cpp's rules. */
@Command(name = "quantize", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Quantise an F32/F16/BF16 GGUF file with llama.cpp's kernels and per-tensor rules.")
final class QuantizeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IN.gguf", description = "The GGUF file to quantise.")
    Path in;

    @Option(names = {"-t", "--type"}, paramLabel = "TYPE", required = true,
            description = "q8_0 q6_k q5_k_m q5_k_s q5_1 q5_0 q4_k_m q4_k_s q4_1 q4_0 q3_k_l q3_k_m q3_k_s q2_k (or f16, bf16, f32).")
    String type;

    @Option(names = {"-o", "--out"}, paramLabel = "OUT.gguf", required = true, description = "The file to write.")
    Path out;

    @Option(names = "--pure", description = "Every quantisable tensor gets the type, none more bits (llama-quantize --pure).")
    boolean pure;

    @Option(names = "--threads", paramLabel = "N", description = "Threads (default: one per core).")
    int threads;

    @Mixin
    LibraryOptions library;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        Quantization scheme = Quantization.parse(type);
        if (!Files.isRegularFile(in)) throw HarnessException.badData("no GGUF file at " + in);
        if (in.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
            throw HarnessException.usage("--out must differ from the input file");
        }
        long t0 = System.nanoTime();
        Quantizer.Result r = Quantizer.quantize(library.library(), in, out, scheme, pure,
                threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
        PrintWriter o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "wrote %s: %s%s, tensors %s, %.2f MB of tensor data (from %.2f MB), %.1fs%n", out,
                scheme.label(), pure ? " (pure)" : "", r.types(), r.bytesOut() / 1e6, r.bytesIn() / 1e6,
                (System.nanoTime() - t0) / 1e9);
        for (String f : r.fallbacks()) o.println("fallback: " + f);
        return 0;
    }
}
