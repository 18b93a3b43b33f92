package org.meltharness.report;

import org.meltharness.table.Table;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * MELT's two tables regenerated from stored runs: accuracy (models x quantisation x its five
 * tasks) and model specs (size on disk and in memory, parameters, peak RAM), each cell beside the
 * figure MELT published, and a dash where no run exists yet.
 */
public final class MeltPaper {
    /** MELT's columns and the task and metric of ours that each corresponds to. */
    static final Map<String, String> TASKS = orderedTasks();

    private static Map<String, String> orderedTasks() {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("winogrande", "winogrande");
        m.put("arc_easy", "arc_easy");
        m.put("arc_challenge", "arc_challenge");
        m.put("truthfulqa", "truthfulqa_mc2");
        m.put("hellaswag", "hellaswag");
        return java.util.Collections.unmodifiableMap(m);
    }

    private MeltPaper() {}

    /** A published figure: which framework's row it is. */
    record Published(String framework, double value) {}

    public static List<Table> tables(List<RunRow> rows) {
        List<CSVRecord> accuracy = read("/reference/melt-accuracy.csv");
        List<CSVRecord> specs = read("/reference/melt-model-specs.csv");
        return List.of(accuracyTable(rows, accuracy), specTable(rows, specs), otherRuns(rows));
    }

    /** Our quantisation names in MELT's terms: full precision is "None"; llama.cpp k-quant mixes drop their size suffix. */
    static Optional<String> meltQuant(String quant) {
        String q = quant.toLowerCase(Locale.ROOT);
        return switch (q) {
            case "f32", "bf16", "f16" -> Optional.of("None");
            case "q4_0", "q4_1", "q5_0", "q8_0", "q2_k" -> Optional.of(q);
            case "q4_k", "q4_k_m", "q4_k_s" -> Optional.of("q4_k");
            case "q3_k", "q3_k_m", "q3_k_s", "q3_k_l" -> Optional.of("q3_k");
            default -> Optional.empty(); // Jlama's q4 is not llama.cpp's q4_0
        };
    }

    private static Table accuracyTable(List<RunRow> rows, List<CSVRecord> published) {
        Set<List<String>> keys = new LinkedHashSet<>();
        for (CSVRecord r : published) {
            if (!r.get("framework").equals("paper")) keys.add(List.of(r.get("model"), r.get("quantization")));
        }
        List<String> header = new ArrayList<>(List.of("model", "quantization"));
        for (String t : TASKS.keySet()) header.add(t + " (ours / MELT)");
        List<List<String>> body = new ArrayList<>();
        for (List<String> key : keys.stream().sorted(Comparator.comparing((List<String> k) -> k.get(0)).thenComparing(k -> order(k.get(1)))).toList()) {
            List<String> cells = new ArrayList<>(key);
            for (var t : TASKS.entrySet()) {
                Optional<RunRow> ours = latest(rows, key.get(0), key.get(1), t.getValue(), "acc");
                Optional<Published> pub = publishedAccuracy(published, key.get(0), key.get(1), t.getKey());
                cells.add(ours.map(r -> String.format(Locale.ROOT, "%.4f ± %.4f", r.value(), r.stderr())).orElse("—") + " / "
                        + pub.map(p -> String.format(Locale.ROOT, "%.4f", p.value()) + (p.framework().equals("llamacpp") ? "" : " (" + p.framework() + ")")).orElse("—"));
            }
            body.add(cells);
        }
        return new Table("melt-accuracy", "MELT accuracy: ours beside the published figure", header, body, List.of(
                "Ours: acc of our runs whose model alias carries MELT's name (./harness models), latest complete run per cell; "
                        + "truthfulqa is our truthfulqa_mc2. — : not run yet / not published.",
                "MELT: its llama.cpp (GGUF k-quant) rows; full precision from its pytorch lm-eval rows when it has them "
                        + "(framework in brackets). Source: results/reference/melt-accuracy.csv (MELT-public 15dcd82)."));
    }

    private static Table specTable(List<RunRow> rows, List<CSVRecord> specs) {
        List<String> header = List.of("model", "quantization", "size on disk GB (ours / MELT)", "size in memory GB (ours / MELT)",
                "parameters, thousands (ours / MELT)", "peak RAM GB (ours / MELT)");
        List<List<String>> body = new ArrayList<>();
        for (CSVRecord s : specs) {
            String model = s.get("model");
            String quant = s.get("quantization");
            Optional<RunRow> ours = rows.stream().filter(r -> r.complete() && model.equals(r.melt()) && meltQuant(r.quant()).orElse("").equals(quant))
                    .max(RunRow.NEWEST_LAST);
            body.add(List.of(model, quant,
                    ours.map(r -> gb(r.fileBytes())).orElse("—") + " / " + s.get("size"),
                    ours.map(r -> gb(r.memoryBytes())).orElse("—") + " / " + s.get("size_in_memory"),
                    ours.map(r -> String.valueOf(r.parameters() / 1000)).orElse("—") + " / " + s.get("parameters"),
                    ours.map(r -> gb(r.peakRssBytes())).orElse("—") + " / " + s.get("max_ram")));
        }
        return new Table("melt-model-specs", "MELT model specs: ours beside the published figure", header, body, List.of(
                "Ours: weight files on disk, weights held by the runtime, parameters counted from the weights, peak resident "
                        + "memory of the process (VmHWM). MELT's max_ram was observed on device. Source: "
                        + "results/reference/melt-model-specs.csv."));
    }

    /** Runs of models MELT did not publish (the small test models, current models). */
    private static Table otherRuns(List<RunRow> rows) {
        List<String> header = new ArrayList<>(List.of("model", "runtime", "quant"));
        header.addAll(TASKS.keySet());
        Set<List<String>> keys = new LinkedHashSet<>();
        for (RunRow r : rows) if (r.melt() == null) keys.add(List.of(r.modelLabel(), r.runtime(), r.quant()));
        List<List<String>> body = new ArrayList<>();
        for (List<String> k : keys) {
            List<String> cells = new ArrayList<>(k);
            for (String task : TASKS.values()) {
                Optional<RunRow> r = rows.stream()
                        .filter(x -> x.complete() && x.melt() == null && x.modelLabel().equals(k.get(0)) && x.runtime().equals(k.get(1))
                                && x.quant().equals(k.get(2)) && x.task().equals(task) && x.metric().equals("acc"))
                        .max(RunRow.NEWEST_LAST);
                cells.add(r.map(x -> String.format(Locale.ROOT, "%.4f ± %.4f (n=%d)", x.value(), x.stderr(), x.n())).orElse("—"));
            }
            body.add(cells);
        }
        return new Table("other-runs", "Stored runs of models outside MELT's tables", header, body,
                List.of("acc, latest complete run per cell; n is the number of documents scored."));
    }

    private static Optional<RunRow> latest(List<RunRow> rows, String model, String quant, String task, String metric) {
        return rows.stream()
                .filter(r -> model.equals(r.melt()) && meltQuant(r.quant()).orElse("").equals(quant) && r.task().equals(task)
                        && r.metric().equals(metric) && r.complete())
                .max(RunRow.NEWEST_LAST);
    }

    static Optional<Published> publishedAccuracy(List<CSVRecord> published, String model, String quant, String dataset) {
        List<String> datasets = dataset.equals("truthfulqa") ? List.of("truthfulqa_mc_2", "truthfulqa") : List.of(dataset);
        List<String> frameworks = quant.equals("None") ? List.of("pytorch", "llamacpp") : List.of("llamacpp", "pytorch");
        for (String d : datasets) {
            for (String f : frameworks) {
                for (CSVRecord r : published) {
                    if (r.get("framework").equals(f) && r.get("model").equals(model) && r.get("quantization").equals(quant)
                            && r.get("dataset").equals(d) && !r.get("accuracy").equals("None")) {
                        return Optional.of(new Published(f, Double.parseDouble(r.get("accuracy"))));
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static int order(String quant) {
        int i = List.of("None", "q4_k", "q4_0", "q3_k", "q2_k").indexOf(quant);
        return i < 0 ? 9 : i;
    }

    private static String gb(long bytes) {
        return bytes < 0 ? "—" : String.format(Locale.ROOT, "%.2f", bytes / 1e9);
    }

    private static List<CSVRecord> read(String resource) {
        try (InputStream in = MeltPaper.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("the harness was built without " + resource);
            return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get()
                    .parse(new InputStreamReader(in, StandardCharsets.UTF_8)).getRecords();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
