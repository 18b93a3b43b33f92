package org.meltharness.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** One name per model in run ids, tables and suite cells. */
class ModelLabelTest {
    @Test
    void anAliasIsItsOwnName() {
        ModelLabel l = ModelLabel.of("stories260k", "stories260k", false);
        assertEquals("stories260k", l.display());
        assertEquals("stories260k-f32", l.runIdPart("f32"));
    }

    @Test
    void aPathIsItsLastTwoPartsWhereverItStarts() {
        for (String p : new String[] {"/work/shared/models/stories260K/hf-pad192", "../shared/models/stories260K/hf-pad192/",
            "./stories260K/hf-pad192"}) {
            ModelLabel l = ModelLabel.of(p, null, false);
            assertEquals("stories260K/hf-pad192", l.display(), p);
            assertEquals("stories260K-hf-pad192-q4", l.runIdPart("q4"), p);
        }
        assertEquals("m", ModelLabel.of("./m", null, false).name());
        assertEquals("HuggingFaceTB/SmolLM2-135M", ModelLabel.of("HuggingFaceTB/SmolLM2-135M", null, false).name());
    }

    @Test
    void randomWeightsAreMarked() {
        ModelLabel l = ModelLabel.of("/m/smollm2-135m", null, true);
        assertEquals("m/smollm2-135m (random weights)", l.display());
        assertEquals("m-smollm2-135m-random-f32", l.runIdPart("f32"));
    }
}
