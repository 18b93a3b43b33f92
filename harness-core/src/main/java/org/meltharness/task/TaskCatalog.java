package org.meltharness.task;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.meltharness.HarnessException;
import org.meltharness.io.Hashing;

/**
 * Every task and group defined by the YAML files under {@code tasks/} (shipped in the jar) and
 * any extra folders: adding a task is adding a file.
 */
public final class TaskCatalog {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    private static final ObjectMapper CANONICAL_JSON =
            new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private final Map<String, LoadedTask> tasks;
    private final Map<String, GroupSpec> groups;

    /** A task with where it came from and the hash of its resolved definition. */
    public record LoadedTask(TaskSpec spec, String file, String sha256) {}

    private TaskCatalog(Map<String, LoadedTask> tasks, Map<String, GroupSpec> groups) {
        this.tasks = tasks;
        this.groups = groups;
    }

    /** The tasks shipped with the harness, plus those in {@code extraDirs}. */
    public static TaskCatalog load(List<Path> extraDirs) {
        List<Path> roots = new ArrayList<>();
        roots.add(builtinRoot());
        roots.addAll(extraDirs);
        return loadFrom(roots);
    }

    /** The tasks in these folders only (tests use this). */
    public static TaskCatalog loadFrom(List<Path> roots) {
        Map<String, LoadedTask> tasks = new TreeMap<>();
        Map<String, GroupSpec> groups = new TreeMap<>();
        for (Path root : roots) {
            if (!Files.isDirectory(root)) throw HarnessException.usage("task folder " + root + " does not exist");
            for (Path file : yamlFiles(root)) {
                Map<String, Object> raw = resolveIncludes(file, new LinkedHashSet<>());
                String where = root.getFileSystem() == FileSystems.getDefault() ? file.toString() : "tasks" + file;
                if (raw.containsKey("group")) {
                    GroupSpec g = bind(raw, GroupSpec.class, where);
                    if (groups.put(g.group(), g) != null) throw duplicate("group", g.group(), where);
                } else if (raw.containsKey("task")) {
                    TaskSpec t = bind(raw, TaskSpec.class, where);
                    if (tasks.put(t.task(), new LoadedTask(t, where, hash(raw))) != null) {
                        throw duplicate("task", t.task(), where);
                    }
                }
                // Files with neither key are templates, read only through include:.
            }
        }
        for (GroupSpec g : groups.values()) {
            for (String member : g.task()) {
                boolean tag = tasks.values().stream().anyMatch(t -> t.spec().tag().contains(member));
                if (!tasks.containsKey(member) && !groups.containsKey(member) && !tag) {
                    throw HarnessException.badData("group '" + g.group() + "' lists unknown task '" + member + "'");
                }
            }
        }
        return new TaskCatalog(java.util.Collections.unmodifiableMap(tasks), java.util.Collections.unmodifiableMap(groups));
    }

    /** Expands task, group and tag names into tasks, in the order given, each task once. */
    public List<LoadedTask> resolve(List<String> names) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String name : names) expand(name.strip(), out, new LinkedHashSet<>());
        return out.stream().map(tasks::get).toList();
    }

    /** The groups, among those named, that aggregate a metric over their tasks. */
    public List<GroupSpec> aggregatingGroups(List<String> names) {
        List<GroupSpec> out = new ArrayList<>();
        for (String name : names) {
            GroupSpec g = groups.get(name.strip());
            if (g != null && !g.aggregateMetricList().isEmpty()) out.add(g);
        }
        return out;
    }

    /** The tasks a group covers, through nested groups. */
    public List<String> groupTasks(GroupSpec group) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        expand(group.group(), out, new LinkedHashSet<>());
        return List.copyOf(out);
    }

    public Map<String, LoadedTask> tasks() {
        return tasks;
    }

    public Map<String, GroupSpec> groups() {
        return groups;
    }

    private void expand(String name, Set<String> out, Set<String> seen) {
        if (tasks.containsKey(name)) {
            out.add(name);
            return;
        }
        GroupSpec g = groups.get(name);
        if (g != null) {
            if (!seen.add(name)) throw HarnessException.badData("group '" + name + "' contains itself");
            for (String member : g.task()) expand(member, out, seen);
            return;
        }
        List<String> tagged = tasks.values().stream()
                .filter(t -> t.spec().tag().contains(name))
                .map(t -> t.spec().task())
                .toList();
        if (!tagged.isEmpty()) {
            out.addAll(tagged);
            return;
        }
        throw HarnessException.usage("unknown task '" + name + "'" + suggestion(name) + "; './harness tasks' lists them");
    }

    private String suggestion(String name) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        return Stream.concat(tasks.keySet().stream(), groups.keySet().stream())
                .filter(k -> k.contains(lower) || lower.contains(k) || editDistance(k, lower) <= 2)
                .sorted(Comparator.comparingInt(k -> editDistance(k, lower)))
                .findFirst()
                .map(k -> " (did you mean '" + k + "'?)")
                .orElse("");
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> resolveIncludes(Path file, Set<Path> chain) {
        if (!chain.add(file.toAbsolutePath().normalize())) {
            throw HarnessException.badData(file + ": include cycle");
        }
        Map<String, Object> raw;
        try {
            raw = YAML.readValue(Files.readString(file), LinkedHashMap.class);
        } catch (IOException e) {
            throw HarnessException.badData(file + ": not valid YAML: " + firstLine(e.getMessage()));
        }
        if (raw == null) return new LinkedHashMap<>();
        Object include = raw.remove("include");
        if (include == null) return raw;
        Path base = file.resolveSibling(include.toString());
        if (!Files.isRegularFile(base)) throw HarnessException.badData(file + ": included file " + include + " not found");
        Map<String, Object> merged = resolveIncludes(base, chain);
        merged.putAll(raw);
        return merged;
    }

    private static <T> T bind(Map<String, Object> raw, Class<T> type, String file) {
        try {
            return YAML.convertValue(raw, type);
        } catch (IllegalArgumentException e) {
            Throwable c = e.getCause();
            if (c instanceof UnrecognizedPropertyException u) {
                throw HarnessException.badData(file + ": unknown key '" + u.getPropertyName() + "'");
            }
            String msg = innermost(e).getMessage();
            throw HarnessException.badData(file + ": " + firstLine(msg));
        }
    }

    private static Throwable innermost(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t;
    }

    private static String hash(Map<String, Object> raw) {
        try {
            return Hashing.sha256(CANONICAL_JSON.writeValueAsString(raw));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HarnessException duplicate(String kind, String name, String file) {
        return HarnessException.badData(file + ": " + kind + " '" + name + "' is defined twice");
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static List<Path> yamlFiles(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.getFileName() != null && p.getFileName().toString().endsWith(".yaml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code tasks/} folder inside the harness jar (or classes folder). */
    static Path builtinRoot() {
        URL url = TaskCatalog.class.getResource("/tasks");
        if (url == null) throw new IllegalStateException("the harness was built without its tasks/ folder");
        return resourcePath(url);
    }

    /** A classpath folder as a {@link Path}, opening the jar's file system when it lives in a jar. */
    public static Path resourcePath(URL url) {
        try {
            URI uri = url.toURI();
            if (!"jar".equals(uri.getScheme())) return Path.of(uri);
            FileSystem fs;
            try {
                fs = FileSystems.getFileSystem(uri);
            } catch (FileSystemNotFoundException e) {
                fs = FileSystems.newFileSystem(uri, Map.of());
            }
            return fs.provider().getPath(uri);
        } catch (URISyntaxException | IOException e) {
            throw new IllegalStateException("cannot open " + url, e);
        }
    }
}
