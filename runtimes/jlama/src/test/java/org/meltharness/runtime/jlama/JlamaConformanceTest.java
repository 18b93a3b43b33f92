package org.meltharness.runtime.jlama;

import java.nio.file.Path;
import org.meltharness.runtime.Runtime;
import org.meltharness.runtime.RuntimeConformance;

/**
 * Jlama passes the runtime conformance suite at f32 on stories260K (hf-pad192: the same function with
 * a zero-padded MLP, which Jlama's vector widths need).
 */
class JlamaConformanceTest extends RuntimeConformance {
    @Override
    protected Runtime open(Path cache) {
        return TestModels.open(TestModels.pad192(), "f32", cache);
    }
}
