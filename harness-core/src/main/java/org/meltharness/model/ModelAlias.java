package org.meltharness.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.Map;

/** A short model name and the hub repositories holding its weights, by format. */
public record ModelAlias(
        String name,
        @JsonProperty("description") String description,
        @JsonProperty("melt") String melt,
        @JsonProperty("safetensors") String safetensors,
        @JsonProperty("gguf") String gguf,
        @JsonProperty("revision") String revision) {

    /** Repositories by weight format, for {@link org.meltharness.runtime.ModelSource}. */
    public Map<String, String> repos() {
        Map<String, String> m = new LinkedHashMap<>();
        if (safetensors != null) m.put("safetensors", safetensors);
        if (gguf != null) m.put("gguf", gguf);
        return m;
    }

    public ModelAlias withName(String n) {
        return new ModelAlias(n, description, melt, safetensors, gguf, revision);
    }
}
