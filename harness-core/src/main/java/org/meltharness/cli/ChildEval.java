package org.meltharness.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.meltharness.HarnessException;
import org.meltharness.results.RunStore;

/**
 * Runs {@code harness eval} in a new JVM with this one's flags and class path, so that each run's
 * peak memory, load time and JIT warm-up are its own, not inherited from runs before it.
 */
final class ChildEval {
    private ChildEval() {}

    /** Runs eval with {@code args} (which must include --output) and returns the run it wrote. */
    static RunStore run(List<String> args, Path output, String what) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "eval"));
        command.addAll(args);
        try {
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = p.waitFor();
            if (code != 0) throw new HarnessException(code, what + " failed (see above)");
            String dir = stdout.lines().filter(l -> l.startsWith("results: ")).reduce((a, b) -> b)
                    .map(l -> l.substring("results: ".length()))
                    .orElseThrow(() -> HarnessException.internal(what + " printed no results folder", null));
            return RunStore.locate(output, dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HarnessException(HarnessException.INTERRUPTED, "interrupted during " + what);
        }
    }
}
