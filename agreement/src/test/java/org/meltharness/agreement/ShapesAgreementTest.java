package org.meltharness.agreement;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shapes we have no weights for, with the seeded random weights of {@code --weights random}: Jlama
 * and DJL build the same weights from the same seed and agree per choice within 1e-3, with
 * identical predictions, on 50 documents. stories15M is Llama 2's tokenizer (SentencePiece) on a
 * 6-layer model; SmolLM2-135M is a byte-level BPE tokenizer and grouped-query attention.
 */
class ShapesAgreementTest {
    static final int DOCS = 50;

    @TempDir
    Path out;

    @Test
    void stories15m() throws IOException {
        // The shape folder holds only config.json: the model card says it uses Llama 2's tokenizer.
        Path shape = Files.createDirectories(out.resolve("stories15m"));
        Files.copy(Runs.shared("models/shapes/stories15m/config.json"), shape.resolve("config.json"));
        for (String f : List.of("tokenizer.json", "tokenizer_config.json")) {
            Files.copy(Runs.shared("models/shapes/llama2-tokenizer").resolve(f), shape.resolve(f));
        }
        agree(shape, "arc_easy,hellaswag,truthfulqa_mc2,winogrande");
    }

    @Test
    void smollm2() {
        agree(Runs.shared("models/shapes/smollm2-135m"), "arc_easy,winogrande");
    }

    private void agree(Path shape, String tasks) {
        String name = shape.getFileName().toString();
        Path jlama = Runs.eval(out, name + "-jlama", tasks, DOCS, "--runtime", "jlama", "--quant", "f32", "--weights", "random",
                "--model", shape.toString());
        Path djl = Runs.eval(out, name + "-djl", tasks, DOCS, "--runtime", "djl", "--quant", "f32", "--threads", "1",
                "--weights", "random", "--model", shape.toString());
        Runs.assertAgree(jlama, djl, 1e-3, DOCS);
    }
}
