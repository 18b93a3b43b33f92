package org.meltharness.suite;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.meltharness.HarnessException;
import org.meltharness.model.ModelLabel;

/**
 * A matrix of evaluations declared once ({@code suites/*.yaml}): models x variants (runtime and
 * quantisation) x tasks, each cell one run.
 *
 * @param limit documents per task, or null for all
 */
public record SuiteSpec(
        @JsonProperty("name") String name,
        @JsonProperty("description") String description,
        @JsonProperty("models") List<String> models,
        @JsonProperty("variants") List<Variant> variants,
        @JsonProperty("tasks") List<String> tasks,
        @JsonProperty("limit") Integer limit,
        @JsonProperty("num_fewshot") Integer numFewshot) {

    public SuiteSpec {
        if (name == null || !name.matches("[A-Za-z0-9._-]+")) throw new IllegalArgumentException("'name' must be a plain word");
        if (models == null || models.isEmpty()) throw new IllegalArgumentException("'models' is required");
        if (variants == null || variants.isEmpty()) throw new IllegalArgumentException("'variants' is required");
        if (tasks == null || tasks.isEmpty()) throw new IllegalArgumentException("'tasks' is required");
        models = List.copyOf(models);
        variants = List.copyOf(variants);
        tasks = List.copyOf(tasks);
    }

    /** A way to run a model: which runtime (null: the default one) at which quantisation. */
    public record Variant(@JsonProperty("runtime") String runtime, @JsonProperty("quant") String quant) {
        public Variant {
            if (quant == null) throw new IllegalArgumentException("a variant needs 'quant'");
        }

        String label() {
            return (runtime == null ? "" : runtime + "-") + quant;
        }
    }

    /** One run of the suite. */
    public record Cell(String model, Variant variant, String task) {
        /** A stable folder name for the cell. */
        public String id() {
            // A model given as a path is named by its last two folders (stories260K_hf-pad192).
            String name = ModelLabel.of(model, null, false).name().replace('/', '_');
            return (name.replaceAll("[^A-Za-z0-9._-]+", "_") + "-" + variant.label() + "-" + task).replaceAll("_+", "_")
                    .replaceAll("^[._-]+", "");
        }
    }

    /** Every cell, in a fixed order (models, then variants, then tasks): what shards divide. */
    public List<Cell> cells() {
        List<Cell> out = new ArrayList<>();
        for (String m : models) for (Variant v : variants) for (String t : tasks) out.add(new Cell(m, v, t));
        return out;
    }

    public static SuiteSpec read(Path file) {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        if (!Files.isRegularFile(file)) throw HarnessException.usage("no suite file " + file);
        try {
            return yaml.readValue(Files.readString(file), SuiteSpec.class);
        } catch (UnrecognizedPropertyException e) {
            throw HarnessException.badData(file + ": unknown key '" + e.getPropertyName() + "'");
        } catch (IOException e) {
            Throwable t = e;
            while (t.getCause() != null) t = t.getCause();
            throw HarnessException.badData(file + ": " + String.valueOf(t.getMessage()).lines().findFirst().orElse(""));
        }
    }
}
