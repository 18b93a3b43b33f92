package org.meltharness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.SharedFiles;

/** {@code harness diff} on two real runs: agreement, then a perturbed log-likelihood and a flipped prediction. */
class DiffCommandTest {
    @TempDir
    Path dir;

    private Path run(String name) throws Exception {
        Path out = dir.resolve(name);
        CliRun r = CliRun.of("eval", "--task", "arc_easy", "--model", SharedFiles.stories260kPad192().toString(), "--data-dir",
                SharedFiles.datasets().toString(), "--limit", "5", "--output", out.toString(), "--offline");
        assertEquals(0, r.exitCode(), r.err());
        try (Stream<Path> s = Files.list(out)) {
            return s.findFirst().orElseThrow();
        }
    }

    @Test
    void agreesThenReportsWhereItDoesNot() throws Exception {
        Path a = run("a");
        Path b = run("b");
        CliRun same = CliRun.of("diff", a.toString(), b.toString());
        assertEquals(0, same.exitCode(), same.out() + same.err());
        assertTrue(same.out().contains("| arc_easy | 5 |"), same.out());

        // Move doc 2's first choice far up: beyond the tolerance, and it becomes the prediction.
        Path samples = b.resolve("samples-arc_easy.jsonl");
        List<String> lines = Files.readAllLines(samples);
        String doc2 = lines.get(2).replaceFirst("\"pred\":\\d", "\"pred\":9");
        int at = doc2.indexOf("\"ll\":") + 5;
        int end = doc2.indexOf(',', at);
        lines.set(2, doc2.substring(0, at) + "-0.001" + doc2.substring(end));
        Files.write(samples, lines);
        CliRun differ = CliRun.of("diff", a.toString(), b.toString(), "--tolerance", "1e-3");
        assertEquals(1, differ.exitCode(), differ.out());
        assertTrue(differ.out().contains("| arc_easy | 5 |") && differ.out().contains("| 1 |"), differ.out());
        assertTrue(differ.out().contains("doc 2 choice 0"), differ.out());
        assertTrue(differ.out().contains("prediction flipped"), differ.out());
        assertTrue(!differ.out().contains("doc 3 choice"), "documents that agree are not listed: " + differ.out());

        CliRun missing = CliRun.of("diff", a.toString(), "no-such-run", "--output", dir.toString());
        assertEquals(2, missing.exitCode());
    }
}
