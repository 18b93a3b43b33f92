package org.meltharness.runtime.jlama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.meltharness.SharedFiles;
import org.meltharness.runtime.ModelInfo;
import org.meltharness.runtime.ModelSource;
import org.meltharness.runtime.RuntimeProvider;
import org.meltharness.runtime.Runtimes;

/** The provider as the harness finds and uses it. */
class JlamaRuntimeProviderTest {

    @Test
    void isFoundThroughTheServiceLoader() {
        RuntimeProvider p = Runtimes.named("jlama");
        assertEquals("jlama", p.name());
        assertEquals(List.of("f32", "bf16", "q8", "q4"), p.quantizations());
        assertTrue(p.description().contains("0.8.4"));
    }

    @Test
    void acceptsSafetensorsFoldersAndRepositories() {
        JlamaRuntimeProvider p = new JlamaRuntimeProvider();
        assertTrue(p.accepts(ModelSource.local(TestModels.pad192())));
        assertFalse(p.accepts(ModelSource.local(SharedFiles.root().resolve("models/stories260K/gguf"))));
        assertFalse(p.accepts(ModelSource.local(SharedFiles.root().resolve("models/shapes/smollm2-135m"))));
        assertFalse(p.accepts(ModelSource.local(Path.of("/nonexistent"))));
        assertTrue(p.accepts(new ModelSource("x", null, Map.of("safetensors", "org/x"), "main", "x")));
        assertTrue(p.accepts(new ModelSource("org/x", null, Map.of("any", "org/x"), "main", null)));
        assertFalse(p.accepts(new ModelSource("x", null, Map.of("gguf", "org/x-gguf"), "main", "x")));
    }

    @Test
    void describesWhatItLoaded() {
        try (JlamaRuntime rt = TestModels.open(TestModels.pad192(), "f32", null)) {
            ModelInfo info = rt.info();
            assertEquals("jlama", info.runtime());
            assertEquals("0.8.4", info.runtimeVersion());
            assertEquals("llama", info.architecture());
            assertEquals(279_232, info.parameters());
            assertEquals(279_232 * 4, info.weightBytes());
            assertEquals(512, info.vocabularySize());
            assertEquals(512, info.contextLength(), "the whole of max_position_embeddings, as lm-eval's max_length");
            assertTrue(info.tokenizer().startsWith("huggingface-tokenizers"), info.tokenizer());
            assertEquals("f32", info.details().get("activations"));
            assertEquals("native", info.details().get("tensorOperations"));
            assertEquals(512 + 16, info.details().get("ropeTableRows"), "two extra rows per attention head");
            assertTrue(info.details().get("threads") instanceof Integer);
            assertEquals(2L * 5 * 512 * 4 * 8 * 4, info.kvCacheBytesAtWindow(), "5 layers x 512 positions x 4 kv heads x 8 x f32, keys and values");
        }
    }
}
