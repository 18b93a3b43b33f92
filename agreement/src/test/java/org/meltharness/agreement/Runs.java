package org.meltharness.agreement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.meltharness.SharedFiles;
import org.meltharness.cli.Cli;
import org.meltharness.eval.RunDiff;
import org.meltharness.results.RunStore;

/** Runs the real command line in-process and compares the runs it stores, as a user would with {@code harness diff}. */
final class Runs {
    private Runs() {}

    /** One finished {@code harness} invocation. */
    record Result(int exitCode, String out, String err) {}

    static Result cli(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args.toArray(String[]::new));
        return new Result(code, out.toString(), err.toString());
    }

    /** Evaluates {@code tasks} on the shared datasets into a fresh folder under {@code output}; returns the run directory. */
    static Path eval(Path output, String name, String tasks, int limit, String... modelArgs) {
        Path dir = output.resolve(name);
        List<String> args = new ArrayList<>(List.of("eval", "--task", tasks, "--limit", String.valueOf(limit), "--data-dir",
                SharedFiles.datasets().toString(), "--output", dir.toString(), "--offline"));
        args.addAll(List.of(modelArgs));
        Result r = cli(args);
        assertEquals(0, r.exitCode(), name + ": " + r.err());
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).findFirst().orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Asserts that two runs agree on every task as the issue defines it: every document in both,
     * per-choice log-likelihoods within {@code tolerance}, identical predictions, and identical token
     * counts (the tokenisations match), both through {@code harness diff} and its data.
     */
    static List<RunDiff.TaskDiff> assertAgree(Path a, Path b, double tolerance, int docsPerTask) {
        Result diff = cli(List.of("diff", a.toString(), b.toString(), "--tolerance", String.valueOf(tolerance)));
        System.out.println(a.getFileName() + " vs " + b.getFileName() + "\n" + diff.out());
        assertEquals(0, diff.exitCode(), diff.out() + diff.err());
        List<RunDiff.TaskDiff> tasks = RunDiff.compare(RunStore.locate(a.getParent(), a.toString()), RunStore.locate(b.getParent(), b.toString()), 3);
        for (RunDiff.TaskDiff t : tasks) {
            assertEquals(docsPerTask, t.compared(), t.task() + ": documents compared");
            assertTrue(t.maxAbsDelta() <= tolerance, t.task() + ": max |Δll| " + t.maxAbsDelta());
            assertEquals(0, t.flippedPred() + t.flippedPredNorm(), t.task() + ": flipped predictions");
            assertEquals(0, t.tokenCountsDiffer(), t.task() + ": choices tokenised differently");
        }
        return tasks;
    }

    static Path shared(String rel) {
        return SharedFiles.root().resolve(rel);
    }
}
