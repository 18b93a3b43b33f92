package org.meltharness.runtime.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.ModelFolders;
import org.meltharness.HarnessException;
import org.meltharness.SharedFiles;
import org.meltharness.model.SafetensorsWriter;

/** Each bad input fails with one line a user can act on and the exit code that goes with it. */
class BadInputTest {
    @TempDir
    Path tmp;

    private static Path hf() {
        return SharedFiles.stories260k();
    }

    @Test
    void missingFolderAndAFileInsteadOfAFolder() {
        fails(HarnessException.BAD_DATA, "does not exist", () -> open(tmp.resolve("nope")));
        Path gguf = SharedFiles.root().resolve("models/stories260K/gguf/stories260K-f32.gguf");
        fails(HarnessException.UNSUPPORTED_MODEL, "for GGUF use --runtime llamacpp", () -> open(gguf));
    }

    @Test
    void folderWithoutWeights() throws IOException {
        Path dir = ModelFolders.copySideFiles(hf(), tmp.resolve("m"), c -> {});
        fails(HarnessException.BAD_DATA, "no *.safetensors weights in " + dir, () -> open(dir));
        Files.copy(hf().resolve("model.safetensors"), dir.resolve("weights.safetensors"));
        fails(HarnessException.BAD_DATA, "djl loads model.safetensors or the shards model.safetensors.index.json lists",
                () -> open(dir));
        Path noConfig = Files.createDirectories(tmp.resolve("c"));
        Files.copy(hf().resolve("model.safetensors"), noConfig.resolve("model.safetensors"));
        fails(HarnessException.BAD_DATA, "no config.json in " + noConfig, () -> open(noConfig));
    }

    @Test
    void shardsListedInTheIndexButAbsent() throws Exception {
        Path dir = tmp.resolve("sharded");
        var config = TinyModels.config("llama");
        TinyModels.writeFolder(dir, config);
        Map<String, long[]> shapes = new LinkedHashMap<>();
        ArchitectureTest.writeShards(dir, TinyModels.weights(config, 1, shapes), shapes);
        Files.delete(dir.resolve("model-00002-of-00002.safetensors"));
        fails(HarnessException.BAD_DATA, "model.safetensors.index.json lists 2 shards but 1 are missing: "
                + "model-00002-of-00002.safetensors", () -> open(dir));
    }

    @Test
    void dtypesTheEngineCannotRun() throws IOException {
        Path dir = ModelFolders.copySideFiles(hf(), tmp.resolve("i8"), c -> {});
        SafetensorsWriter.write(dir.resolve("model.safetensors"), List.of(new SafetensorsWriter.Entry(
                "model.embed_tokens.weight", "I8", new long[] {512, 64}, 512 * 64,
                out -> SafetensorsWriter.writeFully(out, java.nio.ByteBuffer.allocate(512 * 64)))));
        fails(HarnessException.UNSUPPORTED_MODEL, "tensor model.embed_tokens.weight in model.safetensors is I8",
                () -> open(dir));
        fails(HarnessException.UNSUPPORTED_MODEL, "djl cannot run bf16: DJL 0.36.0's PyTorch binding has no BFloat16",
                () -> new DjlRuntimeProvider().open(DjlTestModels.config(hf(), "bf16", null, Map.of())));
    }

    @Test
    void tokenizerThatDoesNotParse() throws IOException {
        Path dir = ModelFolders.copySideFiles(hf(), tmp.resolve("m"), c -> {});
        Files.copy(hf().resolve("model.safetensors"), dir.resolve("model.safetensors"));
        Files.writeString(dir.resolve("tokenizer.json"), "{ not json");
        fails(HarnessException.BAD_DATA, "cannot read tokenizer " + dir.resolve("tokenizer.json"), () -> open(dir));
        Files.delete(dir.resolve("tokenizer.json"));
        fails(HarnessException.BAD_DATA, "no tokenizer.json in " + dir, () -> open(dir));
    }

    @Test
    void truncatedWeightsMissingTensorsAndWrongShapes() throws IOException {
        Path dir = ModelFolders.copySideFiles(hf(), tmp.resolve("m"), c -> {});
        byte[] whole = Files.readAllBytes(hf().resolve("model.safetensors"));
        Files.write(dir.resolve("model.safetensors"), Arrays.copyOf(whole, whole.length / 2));
        fails(HarnessException.BAD_DATA, "is truncated: tensor", () -> open(dir));

        Path untied = ModelFolders.copySideFiles(hf(), tmp.resolve("u"), c -> c.put("tie_word_embeddings", false));
        Files.copy(hf().resolve("model.safetensors"), untied.resolve("model.safetensors"));
        fails(HarnessException.BAD_DATA, "lack tensor lm_head.weight", () -> open(untied));

        Path wide = ModelFolders.copySideFiles(hf(), tmp.resolve("w"), c -> c.put("intermediate_size", 192));
        Files.copy(hf().resolve("model.safetensors"), wide.resolve("model.safetensors"));
        fails(HarnessException.BAD_DATA, "has shape [172, 64] but config.json implies [192, 64]", () -> open(wide));
    }

    @Test
    void architecturesAndSettingsOutsideTheFamily() {
        Path gpt2 = ModelFolders.copySideFiles(hf(), tmp.resolve("g"), c -> c.put("model_type", "gpt2"));
        fails(HarnessException.UNSUPPORTED_MODEL, "djl runs Llama-family decoders (model_type llama, mistral, qwen2), "
                + "not 'gpt2'", () -> open(gpt2));
        Path yarn = ModelFolders.copySideFiles(hf(), tmp.resolve("y"),
                c -> c.putObject("rope_scaling").put("rope_type", "yarn").put("factor", 4.0));
        fails(HarnessException.UNSUPPORTED_MODEL, "not 'yarn'", () -> open(yarn));
        Path gelu = ModelFolders.copySideFiles(hf(), tmp.resolve("a"), c -> c.put("hidden_act", "gelu"));
        fails(HarnessException.UNSUPPORTED_MODEL, "hidden_act gelu", () -> open(gelu));
    }

    @Test
    void unknownOptionsAndThreads() {
        fails(HarnessException.USAGE, "djl has no runtime option 'speed'; it has scoring=batched|shared-prefix|none",
                () -> new DjlRuntimeProvider().open(DjlTestModels.config(hf(), "f32", null, Map.of("speed", "max"))));
        fails(HarnessException.USAGE, "scoring=maybe is not one of batched, shared-prefix, none", () -> new DjlRuntimeProvider()
                .open(DjlTestModels.config(hf(), "f32", null, Map.of("scoring", "maybe"))));
        int cpus = java.lang.Runtime.getRuntime().availableProcessors();
        fails(HarnessException.USAGE, "exceeds the " + cpus + " processors", () -> DjlEngine.start(cpus + 1));
    }

    /** Without a pytorch-native jar for this platform the runtime refuses before DJL would try to download one. */
    @Test
    void noLibtorchForThePlatform() throws Exception {
        assertTrue(DjlEngine.bundledPlatforms(getClass().getClassLoader()).contains(DjlEngine.platform()));
        try (URLClassLoader bare = new URLClassLoader(new URL[0], null)) {
            assertEquals(List.of(), DjlEngine.bundledPlatforms(bare));
        }
        HarnessException none = DjlEngine.noLibtorch("linux-x86_64", List.of());
        assertEquals(HarnessException.UNSUPPORTED_MODEL, none.exitCode());
        assertEquals("djl has no libtorch for linux-x86_64: no ai.djl.pytorch:pytorch-native-* jar is on the class path, "
                + "and it never downloads one; add ai.djl.pytorch:pytorch-native-cpu:2.7.1 for linux-x86_64 or point "
                + "PYTORCH_LIBRARY_PATH at a libtorch 2.7.1", none.getMessage());
        HarnessException other = DjlEngine.noLibtorch("linux-aarch64", List.of("linux-x86_64"));
        assertTrue(other.getMessage().contains("the class path holds pytorch-native for linux-x86_64 only"),
                other.getMessage());
    }

    private static DjlRuntime open(Path model) {
        return DjlTestModels.open(model);
    }

    static void fails(int exitCode, String messagePart, Executable action) {
        HarnessException e = assertThrows(HarnessException.class, action);
        assertEquals(exitCode, e.exitCode(), e.getMessage());
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }
}
