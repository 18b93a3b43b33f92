package org.meltharness.eval;

import java.util.Map;
import org.meltharness.results.JsonlLog;
import org.meltharness.results.TopkRecord;

/**
 * What to do with a task's token distributions while scoring it.
 *
 * @param topK positions' top-k to keep in {@code topkLog}, 0 for none
 * @param topkLog where kept top-k go (null when {@code topK} is 0)
 * @param reference a reference run's top-k by document, to measure fidelity against, or null
 */
public record DistributionOptions(int topK, JsonlLog<TopkRecord> topkLog, Map<Integer, TopkRecord> reference) {
    public static final DistributionOptions NONE = new DistributionOptions(0, null, null);

    boolean active() {
        return topK > 0 || reference != null;
    }
}
