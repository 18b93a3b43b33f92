package org.meltharness.model;

import org.meltharness.HarnessHome;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.meltharness.HarnessException;
import org.meltharness.runtime.ModelSource;

/**
 * Turns what the user typed for {@code --model} into a {@link ModelSource}: a local path, an alias
 * from {@code models.yaml} (optionally with a quantisation suffix, {@code llama2-7b-q4}), or a hub
 * repository id ({@code org/name}).
 */
public final class ModelResolver {
    /** Quantisation names an alias may end with, longest first so {@code q4_k_m} wins over {@code q4}. */
    private static final List<String> QUANT_SUFFIXES = List.of(
            "q4_k_m", "q5_k_m", "q3_k_m", "q4_k", "q3_k", "q2_k", "q6_k", "q5_k", "q8_0", "q4_0", "q4_1", "q5_0",
            "bf16", "f32", "f16", "q8", "q4");
    private static final Pattern REPO_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*");

    private final Map<String, ModelAlias> aliases;

    /** The resolved source and the quantisation the name asked for, if it carried one. */
    public record Resolved(ModelSource source, Optional<String> quant) {}

    private ModelResolver(Map<String, ModelAlias> aliases) {
        this.aliases = aliases;
    }

    public static ModelResolver builtin() {
        try (InputStream in = ModelResolver.class.getResourceAsStream("/models.yaml")) {
            if (in == null) throw new IllegalStateException("models.yaml missing from the harness jar");
            return new ModelResolver(parse(new ObjectMapper(new YAMLFactory()).readTree(in)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Map<String, ModelAlias> aliases() {
        return aliases;
    }

    public Resolved resolve(String requested) {
        String spec = requested.strip();
        Path path = Path.of(spec);
        if (Files.exists(path)) {
            return new Resolved(new ModelSource(spec, path.toAbsolutePath().normalize(), Map.of(), "main", null),
                    Optional.empty());
        }
        String lower = spec.toLowerCase(Locale.ROOT);
        ModelAlias exact = aliases.get(lower);
        if (exact != null) return new Resolved(source(spec, exact), Optional.empty());
        for (String q : QUANT_SUFFIXES) {
            if (lower.endsWith("-" + q)) {
                ModelAlias base = aliases.get(lower.substring(0, lower.length() - q.length() - 1));
                if (base != null) return new Resolved(source(spec, base), Optional.of(q));
            }
        }
        if (looksLikePath(spec)) {
            throw HarnessException.badData("model path " + spec + " does not exist");
        }
        if (REPO_ID.matcher(spec).matches()) {
            return new Resolved(new ModelSource(spec, null, Map.of("any", spec), "main", null), Optional.empty());
        }
        throw HarnessException.usage("model '" + spec + "' is not a file or folder, a known alias (./harness models) "
                + "or a hub repository id (org/name)");
    }

    private static ModelSource source(String requested, ModelAlias alias) {
        if (alias.local() != null) {
            Path home = HarnessHome.find().orElseThrow(() -> HarnessException.badData("alias " + alias.name()
                    + " is the folder " + alias.local() + " of the harness's checkout, which cannot be found here"));
            Path dir = home.resolve(alias.local());
            if (!Files.isDirectory(dir)) throw HarnessException.badData("alias " + alias.name() + ": " + dir + " is missing from the checkout");
            return new ModelSource(requested, dir, Map.of(), "main", alias.name());
        }
        String revision = alias.revision() == null ? "main" : alias.revision();
        return new ModelSource(requested, null, alias.repos(), revision, alias.name());
    }

    private static boolean looksLikePath(String spec) {
        return spec.startsWith("/") || spec.startsWith(".") || spec.startsWith("~") || spec.contains("\\")
                || spec.chars().filter(c -> c == '/').count() > 1
                || spec.endsWith(".gguf") || spec.endsWith(".safetensors");
    }

    private static Map<String, ModelAlias> parse(JsonNode root) {
        ObjectMapper m = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        Map<String, ModelAlias> out = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = root.properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            try {
                out.put(e.getKey().toLowerCase(Locale.ROOT),
                        m.treeToValue(e.getValue(), ModelAlias.class).withName(e.getKey()));
            } catch (IOException ex) {
                throw new IllegalStateException("models.yaml: alias " + e.getKey() + ": " + ex.getMessage(), ex);
            }
        }
        return java.util.Collections.unmodifiableMap(out);
    }
}
