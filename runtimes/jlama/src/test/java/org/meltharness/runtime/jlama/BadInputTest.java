package org.meltharness.runtime.jlama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.model.ModelSupport;
import com.github.tjake.jlama.safetensors.DType;
import com.github.tjake.jlama.tensor.KvBufferCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.ModelFolders;
import org.meltharness.HarnessException;
import org.meltharness.SharedFiles;
import org.meltharness.runtime.ModelSource;
import org.meltharness.runtime.RuntimeConfig;

/** Each bad input fails with one line a user can act on and the exit code that goes with it. */
class BadInputTest {
    @TempDir
    Path tmp;

    @Test
    void missingFolder() {
        fails(HarnessException.BAD_DATA, "does not exist", () -> open(tmp.resolve("nope"), null));
    }

    @Test
    void aGgufFileIsNotAFolder() {
        Path gguf = SharedFiles.root().resolve("models/stories260K/gguf/stories260K-f32.gguf");
        fails(HarnessException.UNSUPPORTED_MODEL, "--runtime llamacpp", () -> open(gguf, null));
    }

    @Test
    void noConfigJson() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("m"));
        Files.copy(TestModels.pad192().resolve("model.safetensors"), dir.resolve("model.safetensors"));
        fails(HarnessException.BAD_DATA, "no config.json in " + dir, () -> open(dir, null));
    }

    @Test
    void noSafetensors() {
        Path dir = ModelFolders.copySideFiles(TestModels.pad192(), tmp.resolve("m"), c -> {});
        fails(HarnessException.BAD_DATA, "no *.safetensors weights in " + dir, () -> open(dir, null));
    }

    @Test
    void safetensorsUnderAnotherName() throws IOException {
        Path dir = ModelFolders.copySideFiles(TestModels.pad192(), tmp.resolve("m"), c -> {});
        Files.copy(TestModels.pad192().resolve("model.safetensors"), dir.resolve("weights.safetensors"));
        fails(HarnessException.BAD_DATA, "jlama loads model.safetensors or model.safetensors.index.json",
                () -> open(dir, null));
    }

    @Test
    void truncatedSafetensors() throws IOException {
        Path dir = ModelFolders.copySideFiles(TestModels.pad192(), tmp.resolve("m"), c -> {});
        byte[] whole = Files.readAllBytes(TestModels.pad192().resolve("model.safetensors"));
        Files.write(dir.resolve("model.safetensors"), Arrays.copyOf(whole, whole.length / 2));
        fails(HarnessException.BAD_DATA, "is truncated: tensor", () -> open(dir, null));
        Files.write(dir.resolve("model.safetensors"), Arrays.copyOf(whole, 100));
        fails(HarnessException.BAD_DATA, "corrupt safetensors file", () -> open(dir, null));
        Files.write(dir.resolve("model.safetensors"), new byte[5]);
        fails(HarnessException.BAD_DATA, "it has only 5 bytes", () -> open(dir, null));
    }

    @Test
    void unsupportedArchitectures() {
        Path stablelm = ModelFolders.copySideFiles(TestModels.pad192(), tmp.resolve("s"), c -> c.put("model_type", "stablelm"));
        String list = "it runs llama, mistral, mixtral, qwen2, gemma, gemma2, granite, gpt2";
        fails(HarnessException.UNSUPPORTED_MODEL, "jlama 0.8.4 cannot run model_type 'stablelm'; " + list,
                () -> open(stablelm, null));
        Path bert = ModelFolders.copySideFiles(TestModels.pad192(), tmp.resolve("b"), c -> c.put("model_type", "bert"));
        fails(HarnessException.UNSUPPORTED_MODEL, "'bert' (an encoder", () -> open(bert, null));
        Path none = ModelFolders.copySideFiles(TestModels.pad192(), tmp.resolve("n"), c -> c.remove("model_type"));
        fails(HarnessException.BAD_DATA, "has no model_type", () -> open(none, null));
    }

    @Test
    void ropeScalingJlamaWouldIgnoreIsRefused() throws IOException {
        // Llama 3.x's scaling: Jlama 0.8.4 would silently run it with factor 1.
        Path llama3 = ModelFolders.copySideFiles(TestModels.pad192(), tmp.resolve("l3"), c -> c.putObject("rope_scaling")
                .put("rope_type", "llama3").put("factor", 32.0).put("low_freq_factor", 1.0).put("high_freq_factor", 4.0)
                .put("original_max_position_embeddings", 8192));
        Files.copy(TestModels.pad192().resolve("model.safetensors"), llama3.resolve("model.safetensors"));
        fails(HarnessException.UNSUPPORTED_MODEL, "asks for 'llama3' (use --runtime djl or llamacpp)", () -> open(llama3, null));
        Path legacy = ModelFolders.copySideFiles(TestModels.pad192(), tmp.resolve("lin"), c -> c.putObject("rope_scaling")
                .put("type", "linear").put("factor", 2.0));
        Files.copy(TestModels.pad192().resolve("model.safetensors"), legacy.resolve("model.safetensors"));
        fails(HarnessException.UNSUPPORTED_MODEL, "asks for 'linear'", () -> open(legacy, null));
        Path linear = ModelFolders.copySideFiles(TestModels.pad192(), tmp.resolve("ok"), c -> c.putObject("rope_scaling")
                .put("rope_type", "linear").put("factor", 1.0));
        Files.copy(TestModels.pad192().resolve("model.safetensors"), linear.resolve("model.safetensors"));
        open(linear, null).close();
    }

    @Test
    void intermediateSizeThatIsNotWholeVectorsPointsAtThePaddedCopy() {
        fails(HarnessException.UNSUPPORTED_MODEL, "intermediate_size 172 is not a multiple of 8", () ->
                open(TestModels.unpadded(), null));
        fails(HarnessException.UNSUPPORTED_MODEL, "stories260K/hf-pad192", () -> open(TestModels.unpadded(), null));
    }

    @Test
    void jlamaItselfThrowsOnIntermediate172() {
        // What the refusal spares the user: Jlama loads stories260K/hf and throws in its MLP.
        AbstractModel model = ModelSupport.loadModel(TestModels.unpadded().toFile(), DType.F32, DType.F32);
        try (KvBufferCache.KvBuffer kv = new KvBufferCache(model).getEphemeralKvBuffer()) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> model.batchForward(new int[] {1}, 0, kv));
            assertTrue(WeightCache.rootCause(e) instanceof IllegalArgumentException, e.toString());
        }
    }

    @Test
    void tokenizerMissingOrUnparsable() throws IOException {
        Path dir = TestModels.copy(TestModels.pad192(), tmp.resolve("m"), c -> {});
        Files.delete(dir.resolve("tokenizer.json"));
        fails(HarnessException.BAD_DATA, "no tokenizer.json in " + dir, () -> open(dir, null));
        Files.writeString(dir.resolve("tokenizer.json"), "{ not json");
        fails(HarnessException.BAD_DATA, "cannot read tokenizer", () -> open(dir, null));
    }

    @Test
    void unknownQuantAndOptions() {
        fails(HarnessException.USAGE, "jlama offers --quant f32, bf16, q8, q4; not 'q5'",
                () -> open(TestModels.pad192(), "q5"));
        fails(HarnessException.USAGE, "jlama has no runtime option 'speed'", () -> new JlamaRuntimeProvider()
                .open(TestModels.config(TestModels.pad192(), "f32", tmp, Map.of("speed", "max"))));
        fails(HarnessException.USAGE, "activations=i8 needs --quant q4", () -> new JlamaRuntimeProvider()
                .open(TestModels.config(TestModels.pad192(), "f32", tmp, Map.of("activations", "i8"))));
        fails(HarnessException.USAGE, "jlama option ops=gpu is not one of native, panama", () -> new JlamaRuntimeProvider()
                .open(TestModels.config(TestModels.pad192(), "f32", tmp, Map.of("ops", "gpu"))));
        JlamaEngine.configure(0, null); // whichever test runs first, this process now runs native operations
        fails(HarnessException.USAGE, "ops=panama needs a new process", () -> new JlamaRuntimeProvider()
                .open(TestModels.config(TestModels.pad192(), "f32", tmp, Map.of("ops", "panama"))));
    }

    @Test
    void threadsBeyondTheMachineOrTheRunningPool() {
        int cpus = java.lang.Runtime.getRuntime().availableProcessors();
        fails(HarnessException.USAGE, "exceeds the " + cpus + " processors", () -> new JlamaRuntimeProvider().open(
                new RuntimeConfig(ModelSource.local(TestModels.pad192()), "f32", cpus + 1, tmp, true, Map.of())));
        if (cpus > 1) {
            // Jlama's pool is static: the first model of the process fixed it at its default.
            int running = JlamaEngine.configure(0, null).threads();
            int other = running == 1 ? 2 : 1;
            fails(HarnessException.USAGE, "already runs " + running + " threads", () -> new JlamaRuntimeProvider().open(
                    new RuntimeConfig(ModelSource.local(TestModels.pad192()), "f32", other, tmp, true, Map.of())));
        }
    }

    private JlamaRuntime open(Path model, String quant) {
        return TestModels.open(model, quant, tmp.resolve("cache"));
    }

    private static void fails(int exitCode, String messagePart, Executable action) {
        HarnessException e = assertThrows(HarnessException.class, action);
        assertEquals(exitCode, e.exitCode(), e.getMessage());
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }
}
