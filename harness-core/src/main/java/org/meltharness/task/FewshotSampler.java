package org.meltharness.task;

import java.util.List;
import java.util.Map;

/**
 * Draws few-shot examples as lm-evaluation-harness's samplers do: {@code default} takes
 * {@code Random(seed).sample(pool, n)} from one generator shared by all documents in order,
 * {@code first_n} the first n; then, like lm-eval's {@code get_context}, drops any example equal to
 * the evaluated document and keeps the first k. n is k + 1 when the task's {@code fewshot_split}
 * equals its {@code test_split} as written (both unset counts: HellaSwag, PIQA, Winogrande), else k,
 * whichever split the pool really is; the extra draw moves the generator, so every later prompt
 * depends on it.
 */
public final class FewshotSampler {
    private final List<Map<String, Object>> pool;
    private final boolean firstN;
    private final boolean drawExtra;
    private final PyRandom random;

    /**
     * @param drawExtra lm-eval's {@code fewshot_split == test_split}, on the task file's values
     */
    public FewshotSampler(List<Map<String, Object>> pool, String sampler, boolean drawExtra, long seed) {
        this.pool = List.copyOf(pool);
        this.firstN = sampler.equals("first_n");
        this.drawExtra = drawExtra;
        this.random = new PyRandom(seed);
    }

    /** The examples for the next document; call once per document, in document order. */
    public List<Map<String, Object>> sample(int k, Map<String, Object> evalDoc) {
        if (k == 0) return List.of();
        int n = drawExtra ? k + 1 : k;
        if (n > pool.size()) throw tooFew(n, pool.size());
        List<Map<String, Object>> drawn = firstN ? pool.subList(0, n) : random.sample(pool, n);
        List<Map<String, Object>> kept = drawn.stream().filter(d -> !d.equals(evalDoc)).toList();
        return kept.subList(0, Math.min(k, kept.size()));
    }

    private static IllegalArgumentException tooFew(int k, int n) {
        return new IllegalArgumentException(k + " few-shot examples requested but the pool has " + n);
    }
}
