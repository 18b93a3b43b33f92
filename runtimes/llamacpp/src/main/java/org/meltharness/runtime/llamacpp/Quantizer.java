package org.meltharness.runtime.llamacpp;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.meltharness.HarnessException;

/**
 * Quantises an F32/F16/BF16 GGUF file as {@code llama-quantize} does (which this build does not
 * export): tensor types by {@link QuantRules}, bytes by ggml's own {@code ggml_quantize_chunk} (checked
 * with {@code ggml_validate_row_data}), metadata copied with {@code gguf_set_kv} and the file type
 * and quantisation version set. The recipe (scheme, per-type counts, fallbacks) is written into the
 * file under {@code melt.quantize.*}.
 */
final class Quantizer {
    private static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Quantizer() {}

    /** What a quantisation did. */
    record Result(Path file, Quantization scheme, boolean pure, Map<String, Integer> types, List<String> fallbacks,
            long bytesIn, long bytesOut) {}

    /**
     * llama.cpp's 70B rule for the attn_v types: 80 layers of qwen2, or of llama with grouped-query
     * attention (an 80-layer llama without it is LLaMA-1 65B, which gets no upgrade).
     */
    static boolean seventyB(String arch, int layers, int heads, int kvHeads) {
        if (layers != 80) return false;
        return arch.equals("llama") ? heads != kvHeads : arch.equals("qwen2");
    }

    static Result quantize(LlamaCpp lib, Path in, Path out, Quantization scheme, boolean pure, int threads) {
        GgufFile g = GgufFile.read(in);
        for (GgufFile.Tensor t : g.tensors()) {
            if (t.type().quantized() && QuantRules.quantizable(t)) {
                throw HarnessException.unsupportedModel(in.getFileName() + " is already quantised (" + t.name() + " is "
                        + t.type().label() + "); quantise from an F32, F16 or BF16 GGUF");
            }
        }
        if (g.integer("split.count", 1) > 1) {
            throw HarnessException.unsupportedModel(in.getFileName() + " is one part of a split GGUF; merge the parts first "
                    + "(llama-gguf-split --merge) and quantise the whole file");
        }
        String arch = g.architecture();
        int layers = (int) g.integer(arch + ".block_count", 0);
        int heads = (int) g.integer(arch + ".attention.head_count", 1);
        int kvHeads = (int) g.integer(arch + ".attention.head_count_kv", heads);
        boolean hasOutput = g.tensor("output.weight") != null;
        QuantRules.Model model = new QuantRules.Model(layers, heads, kvHeads, hasOutput, seventyB(arch, layers, heads, kvHeads));
        Map<String, QuantRules.Decision> decisions = QuantRules.decide(g.tensors(), scheme, pure, model);

        Map<String, Integer> types = new TreeMap<>();
        List<String> fallbacks = new ArrayList<>();
        for (QuantRules.Decision d : decisions.values()) {
            types.merge(d.to().label(), 1, Integer::sum);
            if (d.fallback() != null) fallbacks.add(d.name() + ": " + d.fallback());
        }
        long bytesOut = 0;
        try (FileChannel ch = FileChannel.open(in, StandardOpenOption.READ); Arena arena = Arena.ofShared();
                GgufWriter w = new GgufWriter(lib)) {
            MemorySegment file = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            w.copyMetadata(in);
            // The layout is ours (32-byte alignment); a copied alignment would misdescribe it.
            for (String key : List.of("split.no", "split.count", "split.tensors.count", "general.alignment")) w.remove(key);
            w.putU32("general.quantization_version", 2);
            w.putU32("general.file_type", scheme.fileType);
            w.putString("melt.quantize.scheme", scheme.label());
            w.putBool("melt.quantize.pure", pure);
            w.putString("melt.quantize.tool", "melt-harness quantize (" + LlamaCpp.NAME + " ggml_quantize_chunk)");
            w.putString("melt.quantize.source", in.getFileName().toString() + " (" + g.fileSize() + " bytes)");
            w.putString("melt.quantize.tensor_types", types.toString());
            w.putStrings("melt.quantize.fallbacks", fallbacks);
            for (GgufFile.Tensor t : g.tensors()) {
                QuantRules.Decision d = decisions.get(t.name());
                MemorySegment src = file.asSlice(g.dataStart() + t.offset(), t.bytes());
                w.addTensor(t.name(), d.to(), t.shape(), out2 -> write(lib, t, d.to(), src, out2, threads));
                bytesOut += d.to().rowBytes(t.shape()[0]) * t.rows();
            }
            w.write(out);
        } catch (IOException e) {
            throw HarnessException.badData("cannot read " + in + ": " + e.getMessage(), e);
        }
        return new Result(out, scheme, pure, types, fallbacks, g.fileSize(), bytesOut);
    }

    /** Writes one tensor: copied when its type does not change, else converted to F32 and quantised. */
    private static void write(LlamaCpp lib, GgufFile.Tensor t, GgmlType to, MemorySegment src, WritableByteChannel out,
            int threads) throws IOException {
        if (to == t.type()) {
            GgufWriter.writeFully(out, src.asByteBuffer());
            return;
        }
        long n = t.elements();
        long perRow = t.shape()[0];
        long rows = t.rows();
        try (Arena arena = Arena.ofShared()) {
            MemorySegment f32 = arena.allocate(JAVA_FLOAT, n);
            switch (t.type()) {
                case F32 -> MemorySegment.copy(src, 0, f32, 0, n * 4);
                case F16 -> {
                    for (long i = 0; i < n; i++) f32.setAtIndex(JAVA_FLOAT, i, Float.float16ToFloat(src.get(LE_SHORT, 2 * i)));
                }
                case BF16 -> {
                    for (long i = 0; i < n; i++) {
                        f32.setAtIndex(JAVA_FLOAT, i, Float.intBitsToFloat((src.get(LE_SHORT, 2 * i) & 0xffff) << 16));
                    }
                }
                default -> throw new IllegalStateException("cannot convert " + t.type());
            }
            long outBytes = to.rowBytes(perRow) * rows;
            MemorySegment dst = arena.allocate(Math.max(1, outBytes), 64);
            if (to == GgmlType.F32 || to == GgmlType.F16 || to == GgmlType.BF16) {
                convertPlain(f32, dst, n, to);
            } else {
                quantize(lib, to, f32, dst, rows, perRow, threads);
            }
            GgufWriter.writeFully(out, dst.asSlice(0, outBytes).asByteBuffer());
        }
    }

    private static void convertPlain(MemorySegment f32, MemorySegment dst, long n, GgmlType to) {
        for (long i = 0; i < n; i++) {
            float v = f32.getAtIndex(JAVA_FLOAT, i);
            switch (to) {
                case F32 -> dst.set(LE_FLOAT, 4 * i, v);
                case F16 -> dst.set(LE_SHORT, 2 * i, Float.floatToFloat16(v));
                case BF16 -> dst.set(LE_SHORT, 2 * i, HfConverter.toBf16(v));
                default -> throw new IllegalStateException(to.toString());
            }
        }
    }

    /** {@code ggml_quantize_chunk} over row ranges in parallel, as llama.cpp's quantize does; validated after. */
    private static void quantize(LlamaCpp lib, GgmlType to, MemorySegment f32, MemorySegment dst, long rows, long perRow,
            int threads) {
        boolean needsImatrix;
        try {
            needsImatrix = (boolean) lib.ggmlQuantizeRequiresImatrix.invokeExact(to.id);
        } catch (Throwable e) {
            throw LlamaCpp.rethrow(e);
        }
        if (needsImatrix) throw HarnessException.unsupportedModel(to.label() + " needs an importance matrix");
        long minChunk = 32 * 512;
        long rowsPerChunk = perRow >= minChunk ? 1 : (minChunk + perRow - 1) / perRow;
        long rowBytes = to.rowBytes(perRow);
        List<long[]> chunks = new ArrayList<>();
        for (long r = 0; r < rows; r += rowsPerChunk) chunks.add(new long[] {r, Math.min(rowsPerChunk, rows - r)});
        int workers = Math.max(1, Math.min(threads, chunks.size()));
        ExecutorService pool = workers == 1 ? null : Executors.newFixedThreadPool(workers, r -> {
            Thread th = new Thread(r, "quantize");
            th.setDaemon(true);
            return th;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (long[] c : chunks) {
                Runnable job = () -> {
                    try {
                        long size = (long) lib.ggmlQuantizeChunk.invokeExact(to.id, f32, dst, c[0] * perRow, c[1], perRow,
                                MemorySegment.NULL);
                        if (size != c[1] * rowBytes) throw new IllegalStateException("ggml_quantize_chunk wrote " + size);
                        boolean ok = (boolean) lib.ggmlValidateRowData.invokeExact(to.id,
                                dst.asSlice(c[0] * rowBytes, size), size);
                        if (!ok) throw new IllegalStateException("quantized data validation failed");
                    } catch (Throwable e) {
                        throw LlamaCpp.rethrow(e);
                    }
                };
                if (pool == null) job.run();
                else futures.add(pool.submit(job));
            }
            for (Future<?> f : futures) f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HarnessException(HarnessException.INTERRUPTED, "interrupted while quantising");
        } catch (ExecutionException e) {
            throw LlamaCpp.rethrow(e.getCause());
        } finally {
            if (pool != null) pool.shutdownNow();
        }
    }
}
