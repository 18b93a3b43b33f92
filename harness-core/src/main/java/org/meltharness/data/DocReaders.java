package org.meltharness.data;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.meltharness.HarnessException;

/** The formats dataset manifests may name, listed in one place. */
public final class DocReaders {
    // Readers hold no state, so one instance each is shared by every store.
    private static final Map<String, DocReader> BY_FORMAT = Map.of(
            "arc_jsonl", new ArcReader(),
            "hellaswag_jsonl", new HellaswagJsonlReader(),
            "hellaswag_text", new HellaswagTextReader(),
            "truthfulqa_mc_json", new TruthfulQaReader(),
            "winogrande_jsonl", new WinograndeReader(),
            "piqa_jsonl_labels", new PiqaReader(),
            "mmlu_csv", new MmluReader());

    private DocReaders() {}

    /** The format names a manifest may use, sorted. */
    public static Set<String> formats() {
        return new TreeSet<>(BY_FORMAT.keySet());
    }

    public static DocReader get(String format) {
        DocReader r = BY_FORMAT.get(format);
        if (r == null) throw HarnessException.badData("unknown dataset format '" + format + "'; known: " + formats());
        return r;
    }
}
