package org.meltharness.run.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.meltharness.io.Json;
import org.meltharness.run.DataLocation;
import org.meltharness.run.ModelRequest;

/** A request survives the file it travels in to a child JVM whole: every field, nulls as nulls. */
class EvalRequestTest {
    @Test
    void aRequestReadBackIsTheSameRequest() throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("kv_type", "f16");
        options.put("endpoint", "http://127.0.0.1:8080/v1");
        EvalRequest r = new EvalRequest(List.of("arc_easy", "hellaswag"), new ModelRequest("stories260k", "llamacpp", "q8_0", null, 2, options),
                20, 5, 7L, 16, new DataLocation(Path.of("/data"), Path.of("/cache"), true), Path.of("/results"), "cell-1", "2/4", null, true,
                64, "/results/ref", List.of(Path.of("/tasks")));
        EvalRequest back = Json.read(Json.pretty(r), EvalRequest.class);
        assertEquals(r, back);

        EvalRequest bare = EvalRequest.of(List.of("arc_easy"), ModelRequest.of("m", null, null), new DataLocation(null, Path.of("/c"), false),
                Path.of("results"));
        EvalRequest bareBack = Json.read(Json.pretty(bare), EvalRequest.class);
        assertEquals(bare.limit(), bareBack.limit());
        assertEquals(bare.model(), bareBack.model());
        assertEquals(Path.of("results").toAbsolutePath(), bareBack.output().toAbsolutePath(), "a relative folder is the same folder");
    }
}
