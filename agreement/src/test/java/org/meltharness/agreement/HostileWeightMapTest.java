package org.meltharness.agreement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.SharedFiles;
import org.meltharness.io.Json;

/**
 * A sharded model folder whose {@code model.safetensors.index.json} names a shard outside the folder
 * (as a hub repository's index may): every loader refuses it in one line instead of opening the file,
 * although the file named is a real, loadable safetensors file.
 */
class HostileWeightMapTest {
    @TempDir
    Path tmp;

    /** stories260K's folder with its weights moved out and an index pointing at them by {@code shard}. */
    private Path folder(String name, String shard) throws Exception {
        Path src = SharedFiles.root().resolve("models/stories260K/hf-pad192");
        Path dir = Files.createDirectories(tmp.resolve(name).resolve("model"));
        for (String f : List.of("config.json", "generation_config.json", "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json")) {
            Files.copy(src.resolve(f), dir.resolve(f));
        }
        Path outside = tmp.resolve(name).resolve("outside.safetensors");
        Files.copy(src.resolve("model.safetensors"), outside);
        byte[] bytes = Files.readAllBytes(outside);
        long headerBytes = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        JsonNode header = Json.mapper().readTree(new String(bytes, 8, (int) headerBytes, StandardCharsets.UTF_8));
        ObjectNode index = Json.mapper().createObjectNode();
        index.putObject("metadata").put("total_size", bytes.length - 8 - headerBytes);
        ObjectNode map = index.putObject("weight_map");
        for (Iterator<String> it = header.fieldNames(); it.hasNext(); ) {
            String tensor = it.next();
            if (!tensor.equals("__metadata__")) map.put(tensor, shard.replace("OUTSIDE", outside.toString()));
        }
        Files.writeString(dir.resolve("model.safetensors.index.json"), Json.mapper().writeValueAsString(index));
        return dir;
    }

    @Test
    void everyLoaderRefusesAShardNamedOutsideTheModelFolder() throws Exception {
        record Case(String runtime, String shard, List<String> options) {}
        List<Case> cases = List.of(
                new Case("jlama", "../outside.safetensors", List.of("--quant", "f32")),
                new Case("jlama", "OUTSIDE", List.of("--quant", "f32")),
                new Case("djl", "../outside.safetensors", List.of("--quant", "f32", "--threads", "1")),
                new Case("llamacpp", "sub/../../outside.safetensors", List.of("--quant", "f32")));
        int k = 0;
        for (Case c : cases) {
            Path model = folder("m" + k++, c.shard());
            String shard = c.shard().replace("OUTSIDE", model.resolveSibling("outside.safetensors").toString());
            List<String> args = new java.util.ArrayList<>(List.of("eval", "--task", "arc_easy", "--limit", "1", "--data-dir",
                    SharedFiles.datasets().toString(), "--output", tmp.resolve("out").toString(), "--offline", "--runtime", c.runtime(),
                    "--model", model.toString(), "--cache-dir", tmp.resolve("cache").toString()));
            args.addAll(c.options());
            Runs.Result r = Runs.cli(args);
            String what = c.runtime() + " with " + shard + ": ";
            assertEquals(3, r.exitCode(), what + r.err());
            assertEquals(1, r.err().strip().lines().count(), what + r.err());
            assertTrue(r.err().contains(model.resolve("model.safetensors.index.json") + " names a weight file outside the model folder: "
                    + shard), what + r.err());
        }
    }
}
