package org.meltharness.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A short model name and where its weights are: a folder of this repository ({@code local}), or the
 * hub repositories holding them by format, with the GGUF files MELT measured by quantisation.
 *
 * @param gated whether the hub repositories need an accepted licence and HF_TOKEN
 * @param safetensorsGb download size of the full-precision weights, in GB
 * @param ggufFiles the GGUF file of each quantisation, as the repository names it
 */
public record ModelAlias(
        String name,
        @JsonProperty("description") String description,
        @JsonProperty("melt") String melt,
        @JsonProperty("local") String local,
        @JsonProperty("safetensors") String safetensors,
        @JsonProperty("safetensors_gb") Double safetensorsGb,
        @JsonProperty("gated") boolean gated,
        @JsonProperty("gguf") String gguf,
        @JsonProperty("gguf_files") java.util.Map<String, GgufFile> ggufFiles,
        @JsonProperty("revision") String revision) {

    /** One GGUF file of a repository: its name and download size in GB (as MELT or the repository publishes it). */
    public record GgufFile(@JsonProperty("file") String file, @JsonProperty("gb") Double gb) {}

    public ModelAlias {
        ggufFiles = ggufFiles == null ? java.util.Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(ggufFiles));
    }

    /** Repositories by weight format, for {@link org.meltharness.runtime.ModelSource}. */
    public Map<String, String> repos() {
        Map<String, String> m = new LinkedHashMap<>();
        if (safetensors != null) m.put("safetensors", safetensors);
        if (gguf != null) m.put("gguf", gguf);
        return m;
    }

    public ModelAlias withName(String n) {
        return new ModelAlias(n, description, melt, local, safetensors, safetensorsGb, gated, gguf, ggufFiles, revision);
    }
}
