package org.meltharness.runtime.jlama;

import com.github.tjake.jlama.safetensors.DType;
import com.github.tjake.jlama.safetensors.SafeTensorSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.meltharness.HarnessException;
import org.meltharness.model.WeightFiles;
import org.meltharness.io.Hashing;
import org.meltharness.results.RunManifest.WeightFile;

/**
 * Converted copies of a model's weights under {@code <cacheDir>/jlama/<hash>-<dtype>/}, where
 * {@code hash} is the first 16 hex digits of the source weights' sha256. A copy is written into a
 * temporary folder beside it and renamed into place when complete, so a folder that exists is whole
 * and is reused as it is.
 */
final class WeightCache {
    static final List<String> SIDE_FILES =
            List.of("config.json", "tokenizer.json", "tokenizer_config.json", "generation_config.json",
                    "special_tokens_map.json");

    private final Path cacheDir;
    private final Path root;

    WeightCache(Path cacheDir) {
        this.cacheDir = cacheDir;
        this.root = cacheDir.resolve("jlama");
    }

    /** Jlama Q4 weights made with {@code SafeTensorSupport.quantizeModel}, which cannot quantise while loading. */
    Path q4(ModelFolder source) {
        return materialise(source, "q4", out -> quantizeQ4(source, out));
    }

    /** F32 weights of a BF16 model: Jlama widens no tensor while loading (a BF16 tensor stays BF16). */
    Path f32(ModelFolder source) {
        return materialise(source, "f32", out -> WeightConversion.toF32(source, out));
    }

    /** The first 16 hex digits of the sha256 of the source weights (of their hashes, when sharded). */
    String sourceHash(ModelFolder source) {
        List<WeightFile> files = new WeightFiles(cacheDir).describe(source.dir()).stream()
                .filter(f -> f.file().endsWith(".safetensors"))
                .filter(f -> source.weightFiles().stream().anyMatch(p -> p.getFileName().toString().equals(f.file())))
                .toList();
        String sha = files.size() == 1 ? files.getFirst().sha256()
                : Hashing.sha256(files.stream().map(f -> f.file() + " " + f.sha256() + "\n").reduce("", String::concat));
        return sha.substring(0, 16);
    }

    private Path materialise(ModelFolder source, String dtype, Writer writer) {
        Path target = root.resolve(sourceHash(source) + "-" + dtype);
        if (Files.isDirectory(target)) return target;
        Path tmp = null;
        try {
            Files.createDirectories(root);
            tmp = Files.createTempDirectory(root, "." + target.getFileName() + ".tmp-");
            Path out = tmp.resolve("out");
            writer.write(out);
            try {
                Files.move(out, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                // Another process finished the same conversion first; its copy is as good as ours.
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(out, target);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        } finally {
            if (tmp != null) deleteTree(tmp);
        }
    }

    /** Writes a conversion into a folder that does not exist yet. */
    @FunctionalInterface
    private interface Writer {
        void write(Path out) throws IOException;
    }

    private static void quantizeQ4(ModelFolder source, Path out) throws IOException {
        // quantizeModel copies README.md (and fails without one) and then rewrites the copy, so it
        // works on a staging folder: our own README.md, copies of the small files, links to the weights.
        Path staging = out.resolveSibling("source");
        Files.createDirectories(staging);
        Files.writeString(staging.resolve("README.md"), "Source: " + source.dir() + "\n");
        for (String f : SIDE_FILES) {
            Path p = source.dir().resolve(f);
            if (Files.isRegularFile(p)) Files.copy(p, staging.resolve(f));
        }
        if (!Files.exists(staging.resolve("tokenizer.json"))) {
            // Jlama copies tokenizer.json unconditionally; ours is read from the source folder anyway.
            Files.writeString(staging.resolve("tokenizer.json"), "{}");
        }
        Path index = source.dir().resolve(ModelFolder.INDEX);
        if (Files.isRegularFile(index)) linkOrCopy(index, staging.resolve(ModelFolder.INDEX));
        for (Path w : source.weightFiles()) linkOrCopy(w, staging.resolve(w.getFileName().toString()));
        try {
            SafeTensorSupport.quantizeModel(staging, DType.Q4, null, null, Optional.of(out));
        } catch (RuntimeException e) {
            throw HarnessException.unsupportedModel("jlama 0.8.4 cannot quantise " + source.dir() + " to Q4: "
                    + ModelFolder.firstLine(rootCause(e)), e);
        }
        Files.writeString(out.resolve("README.md"), "Jlama 0.8.4 Q4 weights of " + source.dir() + "\n");
    }

    private static void linkOrCopy(Path from, Path to) throws IOException {
        try {
            Files.createSymbolicLink(to, from.toAbsolutePath());
        } catch (UnsupportedOperationException | IOException e) {
            Files.copy(from, to);
        }
    }

    static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            // Leftover temporary files are harmless; the next conversion uses a fresh folder.
        }
    }
}
