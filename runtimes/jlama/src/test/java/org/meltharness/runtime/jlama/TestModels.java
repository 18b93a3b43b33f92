package org.meltharness.runtime.jlama;

import org.meltharness.ModelFolders;
import org.meltharness.model.SafetensorsHeader;
import org.meltharness.model.SafetensorsWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.meltharness.SharedFiles;
import org.meltharness.runtime.ModelSource;
import org.meltharness.runtime.RuntimeConfig;

/** The real stories260K folders, and variants of them written into temporary folders for one test. */
final class TestModels {

    private TestModels() {}

    static Path pad192() {
        return SharedFiles.stories260kPad192();
    }

    static Path unpadded() {
        return SharedFiles.stories260k();
    }

    static Path verification() {
        return SharedFiles.root().resolve("models/stories260K/verification");
    }

    static RuntimeConfig config(Path model, String quant, Path cache) {
        return config(model, quant, cache, Map.of());
    }

    static RuntimeConfig config(Path model, String quant, Path cache, Map<String, String> options) {
        return new RuntimeConfig(ModelSource.local(model), quant, 0, cache, true, options);
    }

    static JlamaRuntime open(Path model, String quant, Path cache) {
        return (JlamaRuntime) new JlamaRuntimeProvider().open(config(model, quant, cache));
    }

    /** A full copy of a model folder with config.json edited. */
    static Path copy(Path from, Path to, Consumer<ObjectNode> configEdit) {
        ModelFolders.copySideFiles(from, to, configEdit);
        try {
            Files.copy(from.resolve("model.safetensors"), to.resolve("model.safetensors"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return to;
    }

    /** Every tensor of an F32 model as floats, in file order. */
    static Map<String, float[]> readF32(Path model, Map<String, long[]> shapes) {
        SafetensorsHeader h = SafetensorsHeader.read(model.resolve("model.safetensors"));
        Map<String, float[]> out = new LinkedHashMap<>();
        try (FileChannel ch = FileChannel.open(h.file(), StandardOpenOption.READ)) {
            for (SafetensorsHeader.Tensor t : h.tensors().values()) {
                ByteBuffer b = ch.map(FileChannel.MapMode.READ_ONLY, h.dataStart() + t.begin(), t.bytes())
                        .order(ByteOrder.LITTLE_ENDIAN);
                float[] v = new float[(int) t.elements()];
                b.asFloatBuffer().get(v);
                out.put(t.name(), v);
                shapes.put(t.name(), t.shape());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Writes tensors as F32, or as BF16 (rounded to nearest even) when {@code bf16}. */
    static void write(Path file, Map<String, float[]> tensors, Map<String, long[]> shapes, boolean bf16) {
        List<SafetensorsWriter.Entry> entries = new ArrayList<>();
        tensors.forEach((name, v) -> entries.add(new SafetensorsWriter.Entry(name, bf16 ? "BF16" : "F32",
                shapes.get(name), (long) v.length * (bf16 ? 2 : 4), out -> {
                    ByteBuffer b = ByteBuffer.allocate(v.length * (bf16 ? 2 : 4)).order(ByteOrder.LITTLE_ENDIAN);
                    for (float f : v) {
                        if (bf16) b.putShort(toBf16(f));
                        else b.putFloat(f);
                    }
                    SafetensorsWriter.writeFully(out, b.flip());
                })));
        SafetensorsWriter.write(file, entries);
    }

    static short toBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
    }

    /** stories260K/hf-pad192 with its weights stored as BF16 and config.json saying so. */
    static Path bf16Copy(Path to) {
        ModelFolders.copySideFiles(pad192(), to, c -> c.put("torch_dtype", "bfloat16"));
        Map<String, long[]> shapes = new LinkedHashMap<>();
        write(to.resolve("model.safetensors"), readF32(pad192(), shapes), shapes, true);
        return to;
    }

    /**
     * stories260K/hf-pad192 with {@code extra} more vocabulary rows that copy rows 0, 1, ...: the
     * logits of token 512 + i must equal those of token i exactly.
     */
    static Path paddedVocabulary(Path to, int extra) {
        ModelFolders.copySideFiles(pad192(), to, c -> c.put("vocab_size", c.get("vocab_size").asInt() + extra));
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Map<String, float[]> tensors = readF32(pad192(), shapes);
        long[] shape = shapes.get("model.embed_tokens.weight");
        int hidden = (int) shape[1];
        float[] embed = tensors.get("model.embed_tokens.weight");
        float[] padded = java.util.Arrays.copyOf(embed, embed.length + extra * hidden);
        System.arraycopy(embed, 0, padded, embed.length, extra * hidden);
        tensors.put("model.embed_tokens.weight", padded);
        shapes.put("model.embed_tokens.weight", new long[] {shape[0] + extra, hidden});
        write(to.resolve("model.safetensors"), tensors, shapes, false);
        return to;
    }
}
