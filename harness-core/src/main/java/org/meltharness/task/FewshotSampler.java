package org.meltharness.task;

import java.util.List;
import java.util.Map;

/**
 * Draws few-shot examples as lm-evaluation-harness's samplers do: {@code default} takes
 * {@code Random(seed).sample(pool, k)} from one generator shared by all documents in order (one
 * extra example drawn and the evaluated document removed when the pool is the evaluated split);
 * {@code first_n} takes the first k.
 */
public final class FewshotSampler {
    private final List<Map<String, Object>> pool;
    private final boolean firstN;
    private final boolean poolIsEvalSplit;
    private final PyRandom random;

    public FewshotSampler(List<Map<String, Object>> pool, String sampler, boolean poolIsEvalSplit, long seed) {
        this.pool = List.copyOf(pool);
        this.firstN = sampler.equals("first_n");
        this.poolIsEvalSplit = poolIsEvalSplit;
        this.random = new PyRandom(seed);
    }

    /** The examples for the next document; call once per document, in document order. */
    public List<Map<String, Object>> sample(int k, Map<String, Object> evalDoc) {
        if (k == 0) return List.of();
        if (firstN) {
            List<Map<String, Object>> candidates = poolIsEvalSplit
                    ? pool.stream().filter(d -> !d.equals(evalDoc)).toList()
                    : pool;
            if (k > candidates.size()) throw tooFew(k, candidates.size());
            return candidates.subList(0, k);
        }
        if (!poolIsEvalSplit) {
            if (k > pool.size()) throw tooFew(k, pool.size());
            return random.sample(pool, k);
        }
        if (k + 1 > pool.size()) throw tooFew(k + 1, pool.size());
        List<Map<String, Object>> drawn = random.sample(pool, k + 1);
        List<Map<String, Object>> kept = drawn.stream().filter(d -> !d.equals(evalDoc)).toList();
        return kept.subList(0, Math.min(k, kept.size()));
    }

    private static IllegalArgumentException tooFew(int k, int n) {
        return new IllegalArgumentException(k + " few-shot examples requested but the pool has " + n);
    }
}
