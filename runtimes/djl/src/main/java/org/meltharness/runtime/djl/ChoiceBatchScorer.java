package org.meltharness.runtime.djl;

import static org.meltharness.runtime.LogProbs.argmax;
import static org.meltharness.runtime.LogProbs.commonPrefix;
import static org.meltharness.runtime.LogProbs.logSoftmaxAt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.meltharness.runtime.DistributionObserver;
import org.meltharness.runtime.LoglikelihoodResult;
import org.meltharness.tokenize.TokenizedPair;

/**
 * Scores tokenized (context, continuation) pairs with each shared context computed once and the
 * choices that continue it run together, in one forward pass per batch: the choices of a
 * document are packed side by side after the context's key/value state, each attending to the
 * context and to itself (as llama.cpp's HellaSwag scorer batches them). A context that begins as the
 * previous one did (a few-shot primer, BOS) reuses that part of the cache too.
 *
 * <p>Inputs are cut as lm-evaluation-harness cuts them, {@code (context + continuation)[-(window + 1):][:-1]},
 * so the row predicting a continuation's first token is the context's last token; that token is run
 * once per choice, inside the batch, and the context before it once per group.
 *
 * <p>With {@code share} off every request runs its whole input from position 0 in one pass: what
 * sharing saves, measured.
 */
final class ChoiceBatchScorer {
    /** Rows of one packed pass at most: bounds the logits held at once (rows x vocabulary floats). */
    static final int MAX_ROWS = 256;

    private final LlamaModel model;
    private final KvCache cache;
    private final boolean share;
    private int[] cached = new int[0];

    ChoiceBatchScorer(LlamaModel model, KvCache cache, boolean share) {
        this.model = model;
        this.cache = cache;
        this.share = share;
    }

    /** One request as the model sees it: {@code prefix} is the input before the context's last token. */
    private record Item(int index, TokenizedPair pair, int[] input, int[] prefix, int[] tail) {}

    List<LoglikelihoodResult> score(List<TokenizedPair> pairs, DistributionObserver observer) {
        int window = cache.window();
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) items.add(item(i, pairs.get(i), window));
        LoglikelihoodResult[] results = new LoglikelihoodResult[pairs.size()];
        if (!share) {
            for (Item it : items) runAlone(it, observer, results);
            return List.of(results);
        }
        items.sort(Comparator.comparing((Item it) -> it.prefix(), Arrays::compare)
                .thenComparing(it -> it.input(), Arrays::compare));
        int from = 0;
        while (from < items.size()) {
            int to = from + 1;
            while (to < items.size() && Arrays.equals(items.get(to).prefix(), items.get(from).prefix())) to++;
            runGroup(items.subList(from, to), observer, results);
            from = to;
        }
        return List.of(results);
    }

    /** Forgets the cached prefix. */
    void reset() {
        cached = new int[0];
    }

    private static Item item(int index, TokenizedPair pair, int window) {
        int[] input = pair.windowedInput(window);
        int firstScored = input.length - pair.continuation().length;
        return new Item(index, pair, input, Arrays.copyOf(input, firstScored),
                Arrays.copyOfRange(input, firstScored, input.length));
    }

    /** One request's whole input from position 0 in one pass. */
    private void runAlone(Item it, DistributionObserver observer, LoglikelihoodResult[] results) {
        cached = new int[0];
        int[] cont = it.pair().continuation();
        double[] logprobs = new double[cont.length];
        boolean[] greedy = {true};
        long t0 = System.nanoTime();
        model.forward(cache, it.input(), 0, it.prefix().length, (row, logits) -> {
            int k = row - it.prefix().length;
            logprobs[k] = logSoftmaxAt(logits, cont[k]);
            if (argmax(logits) != cont[k]) greedy[0] = false;
            if (observer != null) observer.observe(it.index(), k, cont[k], logits);
        });
        long nanos = System.nanoTime() - t0;
        double sum = 0;
        for (double lp : logprobs) sum += lp;
        results[it.index()] = new LoglikelihoodResult(sum, greedy[0], logprobs, it.prefix().length + 1, cont.length, 0,
                it.pair().length() - 1 > it.input().length, nanos * it.prefix().length / it.input().length, nanos);
    }

    /** Requests sharing one prefix: the prefix once (after what the cache already holds), then the tails packed. */
    private void runGroup(List<Item> group, DistributionObserver observer, LoglikelihoodResult[] results) {
        int[] prefix = group.getFirst().prefix();
        int reuse = commonPrefix(cached, prefix);
        long t0 = System.nanoTime();
        if (reuse < prefix.length) {
            model.forward(cache, Arrays.copyOfRange(prefix, reuse, prefix.length), reuse, Integer.MAX_VALUE, (r, l) -> {});
        }
        cached = prefix;
        long prefixNanos = System.nanoTime() - t0;
        int start = prefix.length;
        int batchFrom = 0;
        boolean first = true;
        while (batchFrom < group.size()) {
            int rows = 0;
            int batchTo = batchFrom;
            while (batchTo < group.size()) {
                int len = group.get(batchTo).tail().length;
                if (batchTo > batchFrom && (rows + len > MAX_ROWS || start + rows + len > cache.window())) break;
                rows += len;
                batchTo++;
            }
            List<Item> batch = group.subList(batchFrom, batchTo);
            long[] nanos = runBatch(batch, start, rows, observer, results);
            for (int b = 0; b < batch.size(); b++) {
                Item it = batch.get(b);
                LoglikelihoodResult r = results[it.index()];
                long prefill = first && b == 0 ? prefixNanos : 0;
                results[it.index()] = new LoglikelihoodResult(r.logLikelihood(), r.greedy(), r.tokenLogprobs(),
                        it.prefix().length + 1, it.tail().length, first && b == 0 ? reuse : start,
                        it.pair().length() - 1 > it.input().length, prefill, prefill + nanos[b]);
            }
            first = false;
            batchFrom = batchTo;
        }
    }

    /** One packed pass over {@code batch}'s tails; returns each request's share of its time (by rows). */
    private long[] runBatch(List<Item> batch, int start, int rows, DistributionObserver observer,
            LoglikelihoodResult[] results) {
        int[] tokens = new int[rows];
        int[] positions = new int[rows];
        int[] segmentStart = new int[rows];
        int[] owner = new int[rows];
        int r = 0;
        for (int b = 0; b < batch.size(); b++) {
            int[] tail = batch.get(b).tail();
            for (int k = 0; k < tail.length; k++, r++) {
                tokens[r] = tail[k];
                positions[r] = start + k;
                segmentStart[r] = r - k;
                owner[r] = b;
            }
        }
        double[][] logprobs = new double[batch.size()][];
        boolean[] greedy = new boolean[batch.size()];
        for (int b = 0; b < batch.size(); b++) {
            logprobs[b] = new double[batch.get(b).tail().length];
            greedy[b] = true;
        }
        long t0 = System.nanoTime();
        model.forward(cache, tokens, positions, segmentStart, start, 0, (row, logits) -> {
            int b = owner[row];
            int k = row - segmentStart[row];
            Item it = batch.get(b);
            int target = it.pair().continuation()[k];
            logprobs[b][k] = logSoftmaxAt(logits, target);
            if (argmax(logits) != target) greedy[b] = false;
            if (observer != null) observer.observe(it.index(), k, target, logits);
        });
        long elapsed = System.nanoTime() - t0;
        long[] nanos = new long[batch.size()];
        for (int b = 0; b < batch.size(); b++) {
            double sum = 0;
            for (double lp : logprobs[b]) sum += lp;
            results[batch.get(b).index()] = new LoglikelihoodResult(sum, greedy[b], logprobs[b], 0, 0, 0, false, 0, 0);
            nanos[b] = elapsed * batch.get(b).tail().length / rows;
        }
        return nanos;
    }
}
