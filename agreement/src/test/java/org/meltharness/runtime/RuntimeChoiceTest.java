package org.meltharness.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.meltharness.HarnessException;
import org.meltharness.SharedFiles;
import org.meltharness.model.ModelPlan;

/**
 * With no --runtime the harness runs the fastest runtime that computes the quantisation exactly, by
 * what each runtime offers for the model, not by class-path order; compare gets one runtime for all
 * its levels. Every runtime module is on this module's class path.
 */
class RuntimeChoiceTest {
    private static final ModelSource HF = ModelSource.local(SharedFiles.root().resolve("models/stories260K/hf-pad192"));
    private static final List<String> OWN_FORMAT = Collections.singletonList(null);

    private static RuntimeProvider provider(String name) {
        return Runtimes.named(name);
    }

    @Test
    void aHuggingFaceFolderGoesToTheFastestExactRuntimeWhateverTheClassPathOrder() {
        RuntimeChoice c = Runtimes.choose(null, HF, OWN_FORMAT);
        assertEquals("llamacpp", c.provider().name());
        assertEquals("f32", c.offers().getFirst().quant());
        assertTrue(c.reason().startsWith("llamacpp: the fastest runtime that runs f32 exactly (llamacpp "), c.reason());
        assertTrue(c.reason().contains("djl") && c.reason().contains("jlama"), c.reason());
        List<RuntimeProvider> reversed = new java.util.ArrayList<>(Runtimes.providers());
        Collections.reverse(reversed);
        assertEquals("llamacpp", RuntimeChoice.best(reversed, HF, OWN_FORMAT).orElseThrow().provider().name());
    }

    @Test
    void withoutLlamaCppTheReferenceBeatsJlamaAndAnInexactQ4IsSaidSo() {
        List<RuntimeProvider> two = List.of(provider("jlama"), provider("djl"));
        assertEquals("djl", RuntimeChoice.best(two, HF, List.of("f32")).orElseThrow().provider().name());
        RuntimeChoice q4 = RuntimeChoice.best(two, HF, List.of("q4")).orElseThrow();
        assertEquals("jlama", q4.provider().name());
        assertTrue(q4.reason().contains("(none runs it exactly)"), q4.reason());
        assertTrue(RuntimeChoice.best(two, HF, List.of("f32", "q8", "q4")).isEmpty(), "no runtime of these two has q8");
    }

    @Test
    void compareLevelsGoToOneRuntimeThatOffersThemAll() {
        RuntimeChoice c = Runtimes.choose(null, HF, List.of("f32", "q8", "q4"));
        assertEquals("llamacpp", c.provider().name());
        assertEquals(List.of("f32", "q8_0", "q4_0"), c.offers().stream().map(Offer::quant).toList());
    }

    @Test
    void ggufFilesAndAliasesResolveAsMeltMeasuredThem() {
        Path gguf = SharedFiles.root().resolve("models/stories260K/gguf/stories260K-f32.gguf");
        assertEquals("llamacpp", ModelPlan.resolve(gguf.toString(), null, null, "stored", 1, null).provider().name());

        ModelPlan plain = ModelPlan.resolve("llama2-7b", null, null, "stored", 1, null);
        assertEquals("djl", plain.provider().name(), "a plain alias: the full-precision reference");
        assertEquals("f32", plain.quant());
        ModelPlan q4 = ModelPlan.resolve("llama2-7b-q4", null, null, "stored", 1, null);
        assertEquals("llamacpp", q4.provider().name());
        assertEquals("q4_0", q4.quant(), "-q4 is MELT's q4_0 row");
        assertEquals("q4_k_m", ModelPlan.resolve("llama2-7b-q4_k_m", null, null, "stored", 1, null).quant());
        assertFalse(plain.runtimeNamed());
        assertTrue(ModelPlan.resolve("llama2-7b", "jlama", null, "stored", 1, null).runtimeNamed());
    }

    @Test
    void aFolderNoRuntimeCanRunIsOneLine() {
        ModelSource shapes = ModelSource.local(SharedFiles.root().resolve("models/shapes/stories15m")); // a config, no weights
        HarnessException e = assertThrows(HarnessException.class, () -> Runtimes.choose(null, shapes, OWN_FORMAT));
        assertEquals(HarnessException.UNSUPPORTED_MODEL, e.exitCode());
        assertFalse(e.getMessage().contains("\n"));
        assertTrue(e.getMessage().contains("name one with --runtime"), e.getMessage());
    }
}
