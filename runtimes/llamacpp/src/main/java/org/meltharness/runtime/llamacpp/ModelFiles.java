package org.meltharness.runtime.llamacpp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.meltharness.HarnessException;
import org.meltharness.model.HubClient;
import org.meltharness.io.Hashing;
import org.meltharness.runtime.ModelSource;
import org.meltharness.runtime.RuntimeConfig;

/**
 * Which GGUF file a {@code --model} and {@code --quant} mean:
 * <ul>
 *   <li>a {@code .gguf} file: that file, when it is of the asked type; an F32/F16/BF16 file asked for a
 *       quantisation is quantised into the cache first;
 *   <li>a folder of GGUF files: the one of the asked type (else quantised from an F32/F16/BF16 one);
 *   <li>a Hugging Face Llama-family folder: converted into the cache (and quantised as asked);
 *   <li>a hub repository of GGUF files (an alias's {@code gguf} repo or an {@code org/name}): the file
 *       whose name ends in the asked type ({@code *Q4_K_M.gguf}, split files included), downloaded.
 * </ul>
 * Files made in the cache are kept under {@code <cache>/llamacpp/}, keyed by their source's path,
 * size and modification time, and reused.
 */
final class ModelFiles {
    private static final Pattern SPLIT = Pattern.compile("(?i)(.*)-(\\d{5})-of-(\\d{5})\\.gguf");

    /** How hub clients are made; tests point it at a loopback server. */
    static BiFunction<Path, Boolean, HubClient> hubClients = HubClient::fromEnvironment;

    private ModelFiles() {}

    /**
     * @param file the GGUF file to load
     * @param given what the user named (file, folder or repo), recorded as the model's path
     * @param quant the type the run records
     * @param details how the file came about, for the record
     */
    record Resolved(Path file, Path given, String quant, Map<String, Object> details) {}

    static boolean accepts(ModelSource source) {
        if (!source.isLocal()) {
            return source.hubRepos().containsKey("gguf")
                    || source.hubRepo("any").map(r -> r.toLowerCase(Locale.ROOT).contains("gguf")).orElse(false);
        }
        Path p = source.localPath();
        if (Files.isRegularFile(p)) return p.getFileName().toString().endsWith(".gguf");
        return Files.isDirectory(p) && !ggufFiles(p).isEmpty();
    }

    static String defaultQuant(ModelSource source) {
        if (!source.isLocal()) return "q8_0";
        Path p = source.localPath();
        if (Files.isRegularFile(p)) return Quantization.fileTypeLabel(GgufFile.read(p));
        List<Path> files = ggufFiles(p);
        if (files.isEmpty()) return HfConverter.isHfFolder(p) ? storedDtype(p) : "f32";
        return files.stream().map(f -> Quantization.fileTypeLabel(GgufFile.read(f)))
                .min(Comparator.comparingInt(ModelFiles::precisionRank)).orElse("f32");
    }

    static Resolved resolve(RuntimeConfig config, LlamaCpp lib) {
        ModelSource source = config.model();
        String asked = config.quant();
        if (!source.isLocal()) return fromHub(source, asked, config, lib);
        Path p = source.localPath();
        if (Files.isRegularFile(p)) return fromFile(p, p, asked, config, lib);
        if (!Files.isDirectory(p)) throw HarnessException.badData("model path " + p + " does not exist");
        List<Path> files = ggufFiles(p);
        if (files.isEmpty()) {
            if (!HfConverter.isHfFolder(p)) throw HarnessException.unsupportedModel(p + " holds no .gguf file and no config.json");
            return fromHfFolder(p, asked, config, lib);
        }
        String want = canonical(asked);
        Path best = null;
        for (Path f : files) {
            String label = Quantization.fileTypeLabel(GgufFile.read(f));
            if (want == null || label.equals(want)) return fromFile(f, p, asked, config, lib);
            Quantization q = Quantization.find(label);
            if (q != null && !q.quantized() && (best == null || precisionRank(label) < precisionRank(
                    Quantization.fileTypeLabel(GgufFile.read(best))))) {
                best = f;
            }
        }
        if (best != null) return fromFile(best, p, asked, config, lib);
        throw HarnessException.unsupportedModel(p + " has no " + want + " GGUF file and none to quantise one from (it has "
                + files.stream().map(f -> f.getFileName() + " (" + Quantization.fileTypeLabel(GgufFile.read(f)) + ")").toList()
                + ")");
    }

    private static Resolved fromFile(Path file, Path given, String asked, RuntimeConfig config, LlamaCpp lib) {
        GgufFile g = GgufFile.read(file);
        String label = Quantization.fileTypeLabel(g);
        String want = canonical(asked);
        if (want == null || want.equals(label)) return new Resolved(file, given, label, Map.of());
        Quantization target = Quantization.find(want);
        Quantization have = Quantization.find(label);
        if (target == null || have == null || have.quantized()) {
            throw HarnessException.unsupportedModel(file.getFileName() + " is " + label + "; llamacpp makes " + want
                    + " only from an F32, F16 or BF16 GGUF");
        }
        Path out = cached(config, file, stem(file) + "-" + target.label() + ".gguf");
        if (!Files.isRegularFile(out)) {
            Quantizer.quantize(lib, file, out, target, false, Runtime.getRuntime().availableProcessors());
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("quantizedFrom", file.toString());
        details.put("quantizedFile", out.toString());
        return new Resolved(out, given, target.label(), details);
    }

    private static Resolved fromHfFolder(Path dir, String asked, RuntimeConfig config, LlamaCpp lib) {
        String want = canonical(asked);
        if (want == null) want = storedDtype(dir);
        Quantization target = Quantization.find(want);
        if (target == null) throw HarnessException.unsupportedModel("llamacpp cannot make " + want + " from " + dir);
        GgmlType base = target.quantized() ? GgmlType.valueOf(storedDtype(dir).toUpperCase(Locale.ROOT))
                : target.defaultType;
        Path converted = cached(config, dir, dir.getFileName() + "-" + base.label() + ".gguf");
        if (!Files.isRegularFile(converted)) HfConverter.convert(lib, dir, converted, base);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("convertedFrom", dir.toString());
        details.put("convertedFile", converted.toString());
        if (!target.quantized()) return new Resolved(converted, dir, target.label(), details);
        Resolved q = fromFile(converted, dir, target.label(), config, lib);
        details.putAll(q.details());
        return new Resolved(q.file(), dir, q.quant(), details);
    }

    private static Resolved fromHub(ModelSource source, String asked, RuntimeConfig config, LlamaCpp lib) {
        String repo = source.hubRepo("gguf").orElseThrow(() -> HarnessException.unsupportedModel(
                "llamacpp runs GGUF files; " + source.requested() + " names no GGUF repository"));
        if (config.cacheDir() == null) throw HarnessException.usage("llamacpp needs a cache folder to download " + repo);
        String want = canonical(asked == null ? "q8_0" : asked);
        String tag = want.toUpperCase(Locale.ROOT);
        java.util.function.Predicate<String> wanted = name -> {
            String upper = name.toUpperCase(Locale.ROOT);
            Matcher m = SPLIT.matcher(name);
            String base = m.matches() ? m.group(1).toUpperCase(Locale.ROOT) + ".GGUF" : upper;
            return base.endsWith(tag + ".GGUF") && !name.contains("/");
        };
        HubClient hub = hubClients.apply(config.cacheDir(), config.offline());
        Path dir = hub.resolve(repo, source.revision(), wanted);
        List<Path> files = ggufFiles(dir).stream().filter(f -> wanted.test(f.getFileName().toString())).toList();
        if (files.isEmpty()) {
            // The cached revision was fetched for another type: fetch again with this one.
            try {
                Files.deleteIfExists(dir.resolve(".complete"));
            } catch (IOException e) {
                throw HarnessException.badData("cannot update the cache folder " + dir + ": " + e.getMessage());
            }
            dir = hub.resolve(repo, source.revision(), wanted);
            files = ggufFiles(dir).stream().filter(f -> wanted.test(f.getFileName().toString())).toList();
        }
        if (files.isEmpty()) throw HarnessException.unsupportedModel(repo + " has no *" + tag + ".gguf file");
        Path first = files.getFirst(); // split files sort with -00001-of- first
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("hubRepo", repo + "@" + source.revision());
        details.put("hubFiles", files.stream().map(f -> f.getFileName().toString()).toList());
        return new Resolved(first, first, want, details);
    }

    /** A cache path for a file made from {@code source} (keyed by its path, size and modification time). */
    private static Path cached(RuntimeConfig config, Path source, String name) {
        if (config.cacheDir() == null) throw HarnessException.usage("llamacpp needs a cache folder (--cache-dir) to convert");
        StringBuilder key = new StringBuilder(source.toAbsolutePath().normalize().toString());
        try (Stream<Path> s = Files.isDirectory(source) ? Files.list(source) : Stream.of(source)) {
            for (Path f : s.sorted().toList()) {
                if (Files.isRegularFile(f)) {
                    key.append('\n').append(f.getFileName()).append(' ').append(Files.size(f)).append(' ')
                            .append(Files.getLastModifiedTime(f).toMillis());
                }
            }
        } catch (IOException e) {
            throw HarnessException.badData("cannot read " + source + ": " + e.getMessage());
        }
        Path dir = config.cacheDir().resolve("llamacpp").resolve(Hashing.sha256(key.toString()).substring(0, 16));
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw HarnessException.badData("cannot create " + dir + ": " + e.getMessage());
        }
        return dir.resolve(name);
    }

    /** The asked type under its canonical name ({@code q4} is {@code q4_0}), or null. */
    private static String canonical(String asked) {
        if (asked == null) return null;
        Quantization q = Quantization.find(asked);
        return q != null ? q.label() : asked.toLowerCase(Locale.ROOT);
    }

    /** f32, f16 or bf16: how a Hugging Face folder stores most of its weights. */
    private static String storedDtype(Path dir) {
        try (Safetensors st = Safetensors.open(dir)) {
            return st.majorityDtype().toLowerCase(Locale.ROOT);
        }
    }

    private static String stem(Path file) {
        String n = file.getFileName().toString();
        return n.endsWith(".gguf") ? n.substring(0, n.length() - 5) : n;
    }

    static List<Path> ggufFiles(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".gguf") && Files.isRegularFile(f)).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Lower is more precise: f32, then 16-bit, then the quantisations from 8 bits down. */
    static int precisionRank(String label) {
        Quantization q = Quantization.find(label);
        return q == null ? 100 : q.ordinal();
    }
}
