package org.meltharness.oracle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.meltharness.SharedFiles;
import org.meltharness.data.DataOptions;
import org.meltharness.data.DataStore;
import org.meltharness.data.DatasetCatalog;
import org.meltharness.data.DocReaders;
import org.meltharness.data.Downloader;
import org.meltharness.eval.TaskJob;
import org.meltharness.eval.TaskPreparer;
import org.meltharness.task.DocRequests;
import org.meltharness.task.FewshotSampler;
import org.meltharness.task.RequestBuilder;
import org.meltharness.task.TaskCatalog;

/**
 * What lm-evaluation-harness 0.4.13 itself produced for stories260K (float32, Hugging Face
 * backend) on the real data: every request's context hash and continuation, log-likelihood and
 * greedy flag, each document's metrics, and the aggregates. See the README beside the files.
 */
public final class LmEvalOracle {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROOT = "/lm-eval-oracle/";

    /** One golden run: which task, how many shots and documents, and lm-eval's output. */
    public record Run(String name, String task, int numFewshot, int limit, List<JsonNode> docs, JsonNode results) {}

    private LmEvalOracle() {}

    public static List<Run> runs() {
        JsonNode summary = read("summary.json");
        List<Run> out = new ArrayList<>();
        for (var e : summary.path("runs").properties()) {
            JsonNode r = e.getValue();
            List<JsonNode> docs = new ArrayList<>();
            for (String line : text(e.getKey() + ".jsonl").split("\n")) if (!line.isBlank()) docs.add(parse(line));
            out.add(new Run(e.getKey(), r.path("task").asText(), r.path("num_fewshot").asInt(), r.path("limit").asInt(), docs,
                    r.path("results")));
        }
        return out;
    }

    public static List<JsonNode> tokens() {
        List<JsonNode> out = new ArrayList<>();
        for (String line : text("tokens.jsonl").split("\n")) if (!line.isBlank()) out.add(parse(line));
        return out;
    }

    /**
     * Our requests for a golden run's documents, built from the real data in ../shared (HellaSwag
     * from the canonical-schema fixture lm-eval was run on).
     */
    public static List<DocRequests> ourRequests(Run run) {
        TaskCatalog catalog = TaskCatalog.load(List.of());
        var task = catalog.tasks().get(run.task());
        if (run.task().equals("hellaswag")) {
            List<Map<String, Object>> docs = DocReaders.get("hellaswag_jsonl").read(List.of(hellaswagFixture()), "default");
            var processor = org.meltharness.task.DocProcessors.get("hellaswag");
            List<Map<String, Object>> processed = docs.stream().map(processor::process).toList();
            return new RequestBuilder(task.spec()).build(processed, run.limit(), 0,
                    new FewshotSampler(List.of(), "default", false, 1234));
        }
        DataStore store = new DataStore(DatasetCatalog.load(), new DataOptions(SharedFiles.datasets(), Path.of("/nonexistent"), true),
                new Downloader(), msg -> {});
        TaskJob job = new TaskPreparer(store, msg -> {}).prepare(task, run.limit(), run.numFewshot(), 1234);
        return job.docs();
    }

    /**
     * Twelve HellaSwag validation items in the canonical JSONL schema, rebuilt from the derived
     * text copy (the original file is not in ../shared); lm-eval was run on exactly these.
     */
    public static Path hellaswagFixture() {
        return TaskCatalog.resourcePath(LmEvalOracle.class.getResource(ROOT + "hellaswag_fixture.jsonl"));
    }

    private static JsonNode read(String name) {
        return parse(text(name));
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String text(String name) {
        try (InputStream in = LmEvalOracle.class.getResourceAsStream(ROOT + name)) {
            if (in == null) throw new IllegalStateException("missing test resource " + ROOT + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
