package org.meltharness.data;

import java.util.List;
import java.util.Map;
import org.meltharness.HarnessException;

/** The formats dataset manifests may name, listed in one place. */
public final class DocReaders {
    private static final Map<String, DocReader> BY_FORMAT = Map.of(
            "arc_jsonl", new ArcReader(),
            "hellaswag_jsonl", new HellaswagJsonlReader(),
            "hellaswag_text", new HellaswagTextReader(),
            "truthfulqa_mc_json", new TruthfulQaReader(),
            "winogrande_jsonl", new WinograndeReader(),
            "piqa_jsonl_labels", new PiqaReader(),
            "mmlu_csv", new MmluReader());

    private DocReaders() {}

    public static DocReader get(String format) {
        DocReader r = BY_FORMAT.get(format);
        if (r == null) throw HarnessException.badData("unknown dataset format '" + format + "'; known: " + List.copyOf(BY_FORMAT.keySet()));
        return r;
    }
}
