package org.meltharness.runtime.jlama;

import org.meltharness.model.SafetensorsWriter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.meltharness.measure.Memory;
import org.meltharness.runtime.Generation;
import org.meltharness.runtime.GenerationRequest;
import org.meltharness.runtime.ModelSource;
import org.meltharness.runtime.RuntimeConfig;
import org.meltharness.runtime.TokenListener;
import org.meltharness.tokenize.HfTokenizer;

/**
 * Prefill and decode speed of the jlama runtime (a main, not a test). A folder without weights, such
 * as {@code shapes/smollm2-135m}, gets seeded random F32 weights written to a temporary folder first.
 *
 * <p>Usage: {@code JlamaBench <model-or-shape> <quant> <prompt-tokens> <new-tokens> <threads> [key=value...]}
 */
public final class JlamaBench {
    private JlamaBench() {}

    public static void main(String[] args) throws IOException {
        Path model = Path.of(args[0]);
        String quant = args[1];
        int promptTokens = Integer.parseInt(args[2]);
        int newTokens = Integer.parseInt(args[3]);
        int threads = Integer.parseInt(args[4]);
        Map<String, String> options = new HashMap<>();
        for (String kv : Arrays.copyOfRange(args, 5, args.length)) options.put(kv.split("=")[0], kv.split("=")[1]);
        if (!Files.exists(model.resolve("model.safetensors"))) model = randomWeights(model);
        Path cache = Path.of(System.getProperty("java.io.tmpdir"), "melt-bench-cache");
        String prompt = promptOf(model, promptTokens);
        long t0 = System.nanoTime();
        try (var rt = new JlamaRuntimeProvider().open(new RuntimeConfig(ModelSource.local(model), quant, threads, cache,
                true, options))) {
            System.out.printf("load %.1f s; %s%n", (System.nanoTime() - t0) / 1e9, rt.info());
            for (int rep = 0; rep < 4; rep++) {
                Generation g = rt.generate(new GenerationRequest(prompt, newTokens, 0, 0, false, List.of()),
                        TokenListener.NONE);
                long[] t = g.tokenNanos();
                System.out.printf("rep %d: prefill %d tokens %.1f tok/s; decode %d tokens %.1f tok/s%n", rep,
                        g.promptTokens(), g.promptTokens() / (g.prefillNanos() / 1e9), t.length - 1,
                        (t.length - 1) / ((t[t.length - 1] - t[0]) / 1e9));
            }
        }
        System.out.printf("peak RSS %d MiB%n", Memory.peakResidentBytes() >> 20);
    }

    /** A prompt of exactly {@code tokens} tokens (BOS included if the tokenizer adds one). */
    private static String promptOf(Path model, int tokens) {
        String unit = "The quick brown fox jumps over the lazy dog, and the little girl named Lily plays in the park. ";
        try (HfTokenizer tok = HfTokenizer.load(model)) {
            String text = unit.repeat(tokens / 10 + 1);
            String[] words = text.split(" ");
            int lo = 1;
            int hi = words.length;
            while (lo < hi) {
                int mid = (lo + hi) / 2;
                if (tok.encode(String.join(" ", Arrays.copyOf(words, mid))).length >= tokens) hi = mid;
                else lo = mid + 1;
            }
            return String.join(" ", Arrays.copyOf(words, lo));
        }
    }

    /** Writes seeded random F32 weights for a Llama-family config.json into a temporary folder. */
    static Path randomWeights(Path shape) throws IOException {
        JsonNode c = new ObjectMapper().readTree(shape.resolve("config.json").toFile());
        int hidden = c.get("hidden_size").asInt();
        int inner = c.get("intermediate_size").asInt();
        int heads = c.get("num_attention_heads").asInt();
        int kvHeads = c.path("num_key_value_heads").asInt(heads);
        int headDim = c.path("head_dim").asInt(hidden / heads);
        int vocab = c.get("vocab_size").asInt();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("model.embed_tokens.weight", new long[] {vocab, hidden});
        for (int l = 0; l < c.get("num_hidden_layers").asInt(); l++) {
            String p = "model.layers." + l + ".";
            shapes.put(p + "input_layernorm.weight", new long[] {hidden});
            shapes.put(p + "post_attention_layernorm.weight", new long[] {hidden});
            shapes.put(p + "self_attn.q_proj.weight", new long[] {(long) heads * headDim, hidden});
            shapes.put(p + "self_attn.k_proj.weight", new long[] {(long) kvHeads * headDim, hidden});
            shapes.put(p + "self_attn.v_proj.weight", new long[] {(long) kvHeads * headDim, hidden});
            shapes.put(p + "self_attn.o_proj.weight", new long[] {hidden, (long) heads * headDim});
            shapes.put(p + "mlp.gate_proj.weight", new long[] {inner, hidden});
            shapes.put(p + "mlp.up_proj.weight", new long[] {inner, hidden});
            shapes.put(p + "mlp.down_proj.weight", new long[] {hidden, inner});
        }
        shapes.put("model.norm.weight", new long[] {hidden});
        Path out = Files.createTempDirectory("melt-bench-" + shape.getFileName() + "-");
        for (String f : WeightCache.SIDE_FILES) {
            if (Files.exists(shape.resolve(f))) Files.copy(shape.resolve(f), out.resolve(f), StandardCopyOption.COPY_ATTRIBUTES);
        }
        SplittableRandom random = new SplittableRandom(42);
        List<SafetensorsWriter.Entry> entries = new ArrayList<>();
        shapes.forEach((name, dims) -> {
            long n = Arrays.stream(dims).reduce(1, (a, b) -> a * b);
            entries.add(new SafetensorsWriter.Entry(name, "F32", dims, n * 4, o -> {
                ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
                for (long i = 0; i < n; i++) {
                    // Norm weights 1, others uniform in +-0.05: speed does not depend on the values.
                    buf.putFloat(dims.length == 1 ? 1f : (float) (random.nextDouble(-1, 1) * 0.05));
                    if (!buf.hasRemaining()) {
                        SafetensorsWriter.writeFully(o, buf.flip());
                        buf.clear();
                    }
                }
                SafetensorsWriter.writeFully(o, buf.flip());
            }));
        });
        SafetensorsWriter.write(out.resolve("model.safetensors"), entries);
        System.out.println("random weights in " + out + " (delete when done)");
        return out;
    }
}
