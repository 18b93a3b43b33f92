package org.meltharness.runtime.jlama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.meltharness.model.SafetensorsHeader;
import org.meltharness.HarnessException;

/**
 * A local model folder in Hugging Face layout, checked for what Jlama needs before Jlama sees it:
 * Jlama's own failures are stack traces from deep inside its loader.
 *
 * @param modelType config.json's {@code model_type}, lower case
 * @param weights the headers of the weight files Jlama will map, in name order
 */
record ModelFolder(Path dir, String modelType, List<SafetensorsHeader> weights) {
    /** The causal language models Jlama 0.8.4 has classes for (its {@code ModelSupport.ModelType}, less BERT). */
    public static final List<String> ARCHITECTURES =
            List.of("llama", "mistral", "mixtral", "qwen2", "gemma", "gemma2", "granite", "gpt2");

    static final String SINGLE = "model.safetensors";
    static final String INDEX = "model.safetensors.index.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    ModelFolder {
        weights = List.copyOf(weights);
    }

    public static ModelFolder open(Path dir) {
        if (!Files.exists(dir)) throw HarnessException.badData("model folder " + dir + " does not exist");
        if (!Files.isDirectory(dir)) {
            throw HarnessException.unsupportedModel("jlama loads a Hugging Face model folder (config.json, tokenizer.json, "
                    + "model.safetensors), not the file " + dir + (dir.toString().endsWith(".gguf")
                    ? "; for GGUF use --runtime llamacpp" : ""));
        }
        Path configFile = dir.resolve("config.json");
        if (!Files.isRegularFile(configFile)) {
            throw HarnessException.badData("no config.json in " + dir
                    + ": jlama needs a Hugging Face model folder (config.json, tokenizer.json, model.safetensors)");
        }
        JsonNode config;
        try {
            config = JSON.readTree(configFile.toFile());
        } catch (IOException e) {
            throw HarnessException.badData("cannot parse " + configFile + ": " + firstLine(e), e);
        }
        if (config == null || !config.isObject()) throw HarnessException.badData(configFile + " is not a JSON object");
        String type = config.path("model_type").asText("").toLowerCase(Locale.ROOT);
        if (type.isEmpty()) throw HarnessException.badData(configFile + " has no model_type");
        if (!ARCHITECTURES.contains(type)) {
            String why = type.equals("bert") ? " (an encoder: it has no next-token head to score or generate with)" : "";
            throw HarnessException.unsupportedModel("jlama 0.8.4 cannot run model_type '" + type + "'" + why
                    + "; it runs " + String.join(", ", ARCHITECTURES) + " (try --runtime llamacpp)");
        }
        return new ModelFolder(dir, type, readWeights(dir));
    }

    /** Parameters of the model as stored (Jlama's block-scale companions not counted). */
    public long parameters() {
        return weights.stream().flatMap(h -> h.tensors().values().stream()).filter(t -> !isScales(t))
                .mapToLong(SafetensorsHeader.Tensor::elements).sum();
    }

    /** The dtype most tensors are stored in, upper case as safetensors writes it (F32, BF16, F16, Q4, I8). */
    public String storedDtype() {
        Map<String, Long> counts = new java.util.HashMap<>();
        for (SafetensorsHeader h : weights) {
            for (SafetensorsHeader.Tensor t : h.tensors().values()) {
                if (!isScales(t)) counts.merge(t.dtype(), 1L, Long::sum);
            }
        }
        return counts.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse("F32");
    }

    public List<Path> weightFiles() {
        return weights.stream().map(SafetensorsHeader::file).toList();
    }

    private static List<SafetensorsHeader> readWeights(Path dir) {
        Path index = dir.resolve(INDEX);
        if (Files.isRegularFile(index)) {
            TreeSet<String> files = new TreeSet<>();
            try {
                JsonNode map = JSON.readTree(index.toFile()).path("weight_map");
                Iterator<JsonNode> it = map.elements();
                while (it.hasNext()) files.add(it.next().asText());
            } catch (IOException e) {
                throw HarnessException.badData("cannot parse " + index + ": " + firstLine(e), e);
            }
            if (files.isEmpty()) throw HarnessException.badData(index + " has an empty weight_map");
            List<SafetensorsHeader> out = new ArrayList<>();
            for (String f : files) {
                Path p = org.meltharness.model.WeightFiles.shard(dir, f); // refuses names outside the folder
                if (!Files.isRegularFile(p)) throw HarnessException.badData(index + " names " + f + ", which is missing");
                out.add(SafetensorsHeader.read(p));
            }
            return out;
        }
        Path single = dir.resolve(SINGLE);
        if (Files.isRegularFile(single)) return List.of(SafetensorsHeader.read(single));
        List<String> others;
        try (Stream<Path> s = Files.list(dir)) {
            others = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".safetensors")).sorted().toList();
        } catch (IOException e) {
            throw HarnessException.badData("cannot list " + dir + ": " + firstLine(e), e);
        }
        if (!others.isEmpty()) {
            throw HarnessException.badData("jlama loads " + SINGLE + " or " + INDEX + "; " + dir + " has only "
                    + String.join(", ", others));
        }
        throw HarnessException.badData("no *.safetensors weights in " + dir
                + " (jlama runs safetensors; for GGUF use --runtime llamacpp)");
    }

    static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** Jlama writes a quantised tensor's block scales as a companion tensor named {@code <name>.qb}: not parameters. */
    static boolean isScales(SafetensorsHeader.Tensor t) {
        return t.name().endsWith(".qb");
    }
}
