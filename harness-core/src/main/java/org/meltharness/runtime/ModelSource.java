package org.meltharness.runtime;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where a model comes from, as resolved from what the user typed: a local file or folder, or
 * hub repositories by weight format (from an alias, or a repo id given directly).
 *
 * @param requested what the user typed for {@code --model}
 * @param localPath the local file or folder, or null
 * @param hubRepos hub repository ids by weight format ({@code safetensors}, {@code gguf}); a repo id
 *     typed directly is stored under {@code any}
 * @param revision hub revision (branch, tag or commit)
 * @param alias the alias it came from, or null
 */
public record ModelSource(String requested, Path localPath, Map<String, String> hubRepos, String revision, String alias) {
    public ModelSource {
        hubRepos = Map.copyOf(hubRepos);
    }

    public static ModelSource local(Path path) {
        return new ModelSource(path.toString(), path, Map.of(), "main", null);
    }

    public boolean isLocal() {
        return localPath != null;
    }

    /** The hub repository holding weights of this format, if any. */
    public Optional<String> hubRepo(String format) {
        return Optional.ofNullable(hubRepos.getOrDefault(format, hubRepos.get("any")));
    }
}
