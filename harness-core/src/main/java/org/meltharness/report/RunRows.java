package org.meltharness.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.meltharness.eval.Summaries;
import org.meltharness.model.ModelAlias;
import org.meltharness.model.ModelResolver;
import org.meltharness.results.RunManifest;
import org.meltharness.results.RunStore;
import org.meltharness.results.Summary;
import org.meltharness.results.SummaryRow;

/** Reads stored runs into report rows, summaries recomputed from their samples. */
public final class RunRows {
    private RunRows() {}

    /** Every run folder directly under {@code root} (comparisons and other folders are skipped). */
    public static List<RunStore> all(Path root) {
        if (!Files.isDirectory(root)) return List.of();
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(d -> Files.isRegularFile(d.resolve("manifest.json")))
                    .sorted()
                    .map(d -> RunStore.open(root, d.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<RunRow> of(List<RunStore> runs) {
        Map<String, ModelAlias> aliases = ModelResolver.builtin().aliases();
        List<RunRow> out = new ArrayList<>();
        for (RunStore run : runs) {
            RunManifest m = run.readManifest();
            if (m.model() == null || m.options() == null) continue; // a bench run or another kind of folder
            Summary s = Summaries.build(run, m, Map.of());
            ModelAlias alias = m.model().alias() == null ? null : aliases.get(m.model().alias().toLowerCase(java.util.Locale.ROOT));
            long fileBytes = m.model().weights().stream().mapToLong(RunManifest.WeightFile::bytes).sum();
            for (SummaryRow r : s.rows()) {
                var task = m.tasks().stream().filter(t -> t.name().equals(r.task())).findFirst();
                boolean complete = task.isPresent() && r.n() >= task.get().docs();
                out.add(new RunRow(m.runId(), m.model().requested(), alias == null ? null : alias.melt(), m.model().runtime(),
                        m.model().quant(), r.task(), r.metric(), r.value(), r.stderr(), r.n(), fileBytes,
                        m.runtime() == null ? -1 : m.runtime().weightBytes(), m.runtime() == null ? -1 : m.runtime().parameters(),
                        m.measurements() == null ? -1 : m.measurements().peakRssBytes(), r.msPerItem(), r.tokensPerSecond(),
                        complete, m.createdAt()));
            }
        }
        return out;
    }
}
