package org.meltharness.agreement;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.SharedFiles;

/**
 * Jlama and DJL tokenise every other task's real prompts alike too (five-shot MMLU, TruthfulQA's
 * six-shot preamble, PIQA): the token counts of every context and continuation match, and so do
 * the scores. Ten documents each: the prompts, not their number, are the point.
 */
class TokenisationAgreementTest {
    @TempDir
    Path out;

    @Test
    void everyTaskIsTokenisedAlike() {
        String tasks = "arc_challenge,truthfulqa_mc1,piqa,mmlu_abstract_algebra,mmlu_high_school_geography";
        String model = SharedFiles.stories260kPad192().toString();
        Path a = Runs.eval(out, "jlama", tasks, 10, "--runtime", "jlama", "--quant", "f32", "--model", model);
        Path b = Runs.eval(out, "djl", tasks, 10, "--runtime", "djl", "--quant", "f32", "--threads", "1", "--model", model);
        Runs.assertAgree(a, b, 1e-3, 10);
    }
}
