package org.meltharness.runtime.jlama;

import java.nio.file.Path;
import java.util.Set;
import java.util.function.Predicate;
import org.meltharness.HarnessException;
import org.meltharness.model.HubClient;
import org.meltharness.runtime.RuntimeConfig;

/** The files of a hub repository that Jlama needs, in a local folder. */
final class HubFiles {
    static final Predicate<String> NEEDED = name -> name.endsWith(".safetensors")
            || Set.of("config.json", "tokenizer.json", "tokenizer_config.json", "generation_config.json",
                    "special_tokens_map.json", ModelFolder.INDEX).contains(name);

    private HubFiles() {}

    static Path fetch(String repo, String revision, RuntimeConfig config) {
        if (config.cacheDir() == null) throw HarnessException.usage("jlama needs a cache folder to download " + repo);
        return HubClient.fromEnvironment(config.cacheDir(), config.offline()).resolve(repo, revision, NEEDED);
    }
}
