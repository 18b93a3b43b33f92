package org.meltharness.runtime.llamacpp;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.meltharness.HarnessException;
import org.meltharness.command.CommonOptions;
import org.meltharness.runtime.llamacpp.build.BuildFetcher;
import org.meltharness.runtime.llamacpp.build.LibrarySource;
import org.meltharness.runtime.llamacpp.build.PinnedBuild;
import org.meltharness.runtime.llamacpp.build.Platform;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code harness engines}: the llama.cpp builds there are (the pinned one, in the cache or not; the
 * user's, named by {@code --llama-cpp} or {@code HARNESS_LLAMA_CPP}) and, for the one a run would use,
 * what it is: version, commit, backends and CPU variant ggml chose, devices, system info.
 */
@Command(name = "engines", mixinStandardHelpOptions = true, sortOptions = false,
        description = "List the llama.cpp builds (pinned, yours), and the version, backends and devices of the one a run uses.")
final class EnginesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    LibraryOptions library;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        LibrarySource source = library.source();
        out.println("llama.cpp builds (these bindings: llama.cpp " + PinnedBuild.LLAMA_CPP_RELEASE + ", ggml "
                + BuildCheck.GGML_VERSION + ")");
        Optional<PinnedBuild> pinned = PinnedBuild.forPlatform(Platform.current());
        Path pinnedDir = pinned.map(b -> BuildFetcher.folder(b, LibrarySource.of(java.util.Map.of(), java.util.Map.of(),
                library.cacheDir(), true).cacheDir())).orElse(null);
        out.println("  pinned  " + pinned.map(b -> b.npmPackage() + "@" + b.version() + " from " + b.tarball() + "\n"
                + "          in " + pinnedDir + ": " + pinnedStatus(b, pinnedDir))
                .orElse("none for " + Platform.describe() + " (use --llama-cpp DIR)"));
        out.println("  yours   " + (source.userDir() == null ? "none (name one with --llama-cpp DIR or "
                + LibrarySource.ENV + ")" : source.userDir() + " (" + source.origin() + ")"));
        if (source.userDir() == null && (pinned.isEmpty() || (!Files.isDirectory(pinnedDir) && source.offline()))) {
            out.println("no build to load" + (pinned.isPresent() ? ": the pinned build is not fetched and the network is off"
                    : ""));
            return 0;
        }
        BuildInfo b = LlamaCpp.get(source).info();
        out.println("the build a run uses: " + b.origin());
        out.println("  version  llama.cpp " + b.version() + ", ggml " + b.ggmlVersion() + ", commit " + b.commit());
        out.println("  folder   " + b.dir());
        out.println("  backends " + (b.backends().isEmpty() ? "(built in)" : String.join(", ", b.backends()))
                + "; CPU variant " + b.cpuVariant() + "; GPU offload " + (b.gpuOffload() ? "yes" : "no"));
        out.println("  devices");
        for (BuildInfo.Device d : b.devices()) {
            out.printf(Locale.ROOT, "    %-8s %-5s %s (%.1f GB, %.1f GB free)%n", d.name(), d.type(), d.description(),
                    d.memoryTotal() / 1e9, d.memoryFree() / 1e9);
        }
        out.println("  system   " + b.systemInfo());
        return 0;
    }

    private static String pinnedStatus(PinnedBuild build, Path dir) {
        if (!Files.isDirectory(dir)) return "not fetched yet (a run fetches it, " + String.format(Locale.ROOT, "%.1f MB",
                build.bytes() / 1e6) + ")";
        try {
            BuildFetcher.verify(build, dir, "the folder");
            return "present, every library matches its pinned sha256";
        } catch (HarnessException e) {
            return "damaged: " + e.getMessage();
        }
    }
}
