package org.meltharness.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.ServiceLoader;
import org.meltharness.Failure;
import org.meltharness.HarnessException;
import java.util.function.Function;
import org.meltharness.runtime.JvmRestart;
import org.meltharness.runtime.JvmRestartNeeded;
import org.meltharness.runtime.RuntimeCommands;
import picocli.CommandLine;

/** Builds the command line, for {@link Main} and for tests, with one error policy for every command. */
public final class Cli {
    private Cli() {}

    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return commandLine(out, err, null);
    }

    /**
     * @param restarter runs the command again in a JVM with the options a runtime needs from the start
     *     and returns its exit code; null where the command cannot be run again (in-process callers),
     *     which then get the need as one line
     */
    static CommandLine commandLine(PrintWriter out, PrintWriter err, Function<JvmRestart, Integer> restarter) {
        CommandLine cl = new CommandLine(new HarnessCommand());
        for (RuntimeCommands module : ServiceLoader.load(RuntimeCommands.class)) {
            for (Object command : module.commands()) cl.addSubcommand(command);
        }
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter e = commandLine.getErr();
            boolean trace = Arrays.asList(parseResult.originalArgs().toArray()).contains("--stacktrace");
            if (ex instanceof JvmRestartNeeded r && restarter != null) return restarter.apply(r.restart());
            if (ex instanceof CommandLine.ParameterException p) {
                e.println("harness: " + p.getMessage());
                return HarnessException.USAGE;
            }
            // One line in the error's category (README, "Exit codes"); a bug says how to see more.
            Failure f = Failure.of(ex);
            e.println("harness: " + f.message() + (f.internal() && !trace ? " (run with --stacktrace for details)" : ""));
            if (trace) ex.printStackTrace(e);
            return f.exitCode();
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter e = ex.getCommandLine().getErr();
            e.println("harness: " + ex.getMessage());
            e.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for more information.");
            return HarnessException.USAGE;
        });
        return cl;
    }

    static boolean wantsVerbose(String[] args) {
        return Arrays.asList(args).contains("--verbose") || Arrays.asList(args).contains("-v");
    }
}
