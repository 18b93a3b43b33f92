package org.meltharness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.meltharness.SharedFiles;

/** {@code harness generate} prints exactly what llama2.c's run.c prints for stories260K. */
class GenerateCommandTest {
    @Test
    void greedyFromBosReproducesTheGoldenText() throws Exception {
        CliRun r = CliRun.of("generate", "--model", SharedFiles.stories260kPad192().toString(), "--max-tokens", "200",
                "--temperature", "0", "--offline");
        assertEquals(0, r.exitCode(), r.err());
        String golden = Files.readString(SharedFiles.root().resolve("models/stories260K/verification/golden_runc_t0_n200.txt"));
        assertEquals(golden, r.out());
        assertTrue(r.err().contains("200 generated (max_tokens)"), r.err());
        assertTrue(r.err().contains("TTFT"), r.err());
    }
}
