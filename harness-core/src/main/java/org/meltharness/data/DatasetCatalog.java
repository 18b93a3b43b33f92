package org.meltharness.data;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.meltharness.HarnessException;
import org.meltharness.task.TaskCatalog;

/** The dataset manifests: {@code datasets/*.yaml}, shipped in the jar. */
public final class DatasetCatalog {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Map<String, DatasetManifest> manifests;

    private DatasetCatalog(Map<String, DatasetManifest> manifests) {
        this.manifests = manifests;
    }

    public static DatasetCatalog load() {
        URL url = DatasetCatalog.class.getResource("/datasets");
        if (url == null) throw new IllegalStateException("the harness was built without its datasets/ folder");
        return loadFrom(TaskCatalog.resourcePath(url));
    }

    /** The manifests in one folder (tests point this at manifests of their own). */
    public static DatasetCatalog loadFrom(Path dir) {
        Map<String, DatasetManifest> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList()) {
                DatasetManifest m = parse(f);
                if (out.put(m.name(), m) != null) throw HarnessException.badData(f + ": dataset " + m.name() + " defined twice");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return new DatasetCatalog(Map.copyOf(out));
    }

    public DatasetManifest get(String name) {
        DatasetManifest m = manifests.get(name);
        if (m == null) throw HarnessException.usage("unknown dataset '" + name + "'; known: " + manifests.keySet());
        return m;
    }

    public Collection<DatasetManifest> all() {
        return manifests.values();
    }

    /** The split's document count as the manifest records it. */
    public Optional<Integer> expectedDocs(String dataset, String config, String split) {
        DatasetManifest m = manifests.get(dataset);
        if (m == null) return Optional.empty();
        var c = m.configs().get(config == null ? "default" : config);
        if (c == null || c.get(split) == null) return Optional.empty();
        return Optional.ofNullable(c.get(split).docs());
    }

    private static DatasetManifest parse(Path f) {
        try {
            return YAML.readValue(Files.readString(f), DatasetManifest.class);
        } catch (UnrecognizedPropertyException e) {
            throw HarnessException.badData(f + ": unknown key '" + e.getPropertyName() + "'");
        } catch (IOException e) {
            Throwable t = e;
            while (t.getCause() != null) t = t.getCause();
            String msg = String.valueOf(t.getMessage());
            throw HarnessException.badData(f + ": " + msg.lines().findFirst().orElse(msg));
        }
    }
}
