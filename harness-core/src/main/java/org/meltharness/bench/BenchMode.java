package org.meltharness.bench;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a bench run measures. */
public enum BenchMode {
    /** MELT's conversations, turn by turn with their history, for a number of repetitions. */
    CHAT,
    /** llama-bench's pp/tg tests on random tokens. */
    SYNTHETIC,
    /** The conversations over and over for a stretch of time, with temperature and rates over time. */
    SUSTAINED;

    /** The lower-case word bench.json and summaries have always held. */
    @JsonValue
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return word();
    }
}
