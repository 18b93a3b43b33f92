package org.meltharness.runtime.llamacpp;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.meltharness.HarnessException;
import org.meltharness.runtime.DistributionObserver;
import org.meltharness.runtime.LogProbs;
import org.meltharness.runtime.LoglikelihoodResult;
import org.meltharness.tokenize.TokenizedPair;

/**
 * Scores tokenized (context, continuation) pairs on llama.cpp, computing every distinct token
 * prefix once and many requests per {@code llama_decode}.
 *
 * <p>Requests are visited in lexicographic order of their input tokens (lm-evaluation-harness's
 * window rule: {@code (context + continuation)[-(window + 1):][:-1]}), so requests that share a
 * prefix are neighbours. They are packed into <em>rounds</em> that fill the KV cache; within a round
 * each request is a sequence of its own (ids 1, 2, ...), and the tokens form a prefix tree: a token
 * that several neighbouring requests share at the same position is one batch row carrying all their
 * sequence ids, decoded once (llama.cpp's attention mask follows the row's first sequence id, whose
 * cells are exactly the shared history). Logits are asked for only at the scored rows, and a row
 * shared by several requests (the last context token of a document's choices) serves them all.
 *
 * <p>Between rounds, and between calls, sequence 0 keeps the longest prefix that the last request
 * of a round shares with the next one (a few-shot preamble, a long shared context); the next
 * round's requests join it with {@code llama_memory_seq_cp} instead of decoding it again. A
 * request never takes from it the rows it needs logits for.
 */
final class BatchScorer {
    private static final int RESIDENT = 0;

    private final LlamaContext ctx;
    private final int window;
    private final int cells;
    private final int maxSequences;
    private final int maxOutputs;
    private final int maxResident;
    private final int roundTokens;
    private final float[] logits;
    private int[] resident = new int[0];
    private long decodes;
    private long computedRows;
    private long scoredRows;

    /**
     * @param window lm-eval's {@code max_length}: the longest input run for one request
     */
    BatchScorer(LlamaContext ctx, int window) {
        this.ctx = ctx;
        this.window = window;
        this.cells = ctx.cells();
        this.maxSequences = ctx.settings().seqs() - 1;
        // The resident prefix leaves room for a round's ubatch beside it.
        this.maxResident = Math.max(0, cells - Math.min(cells, Math.min(ctx.settings().ubatch(), ctx.settings().batch())));
        if (maxSequences < 1) throw new IllegalArgumentException("the scorer needs a context of at least 2 sequences");
        int vocab = ctx.vocabularySize();
        // A round's new tokens fill about one compute step: attention runs over every cell in use, so
        // rounds much larger than a step cost more in masked attention than they gain in batching.
        this.roundTokens = Math.min(cells, Math.min(ctx.settings().ubatch(), ctx.settings().batch()));
        // Rows of logits per decode: llama.cpp keeps them all (n_outputs x n_vocab floats).
        this.maxOutputs = (int) Math.max(8, Math.min(512, (64L << 20) / vocab));
        this.logits = new float[vocab];
    }

    /** Forgets the resident prefix and clears the cache (tests score from an empty cache with it). */
    void reset() {
        ctx.clearCache();
        resident = new int[0];
    }

    /**
     * Work done since this scorer was made: {@code llama_decode} calls, rows computed, and rows whose
     * logits were read (each one a full output-head product), for a benchmark's FLOP count.
     */
    record Work(long decodes, long computedRows, long scoredRows) {
        Work since(Work before) {
            return new Work(decodes - before.decodes, computedRows - before.computedRows, scoredRows - before.scoredRows);
        }
    }

    Work work() {
        return new Work(decodes, computedRows, scoredRows);
    }

    /** Tokens of the prefix kept in the cache now. */
    int residentTokens() {
        return resident.length;
    }

    List<LoglikelihoodResult> score(List<TokenizedPair> pairs, DistributionObserver observer) {
        int n = pairs.size();
        Request[] requests = new Request[n];
        for (int i = 0; i < n; i++) requests[i] = new Request(i, pairs.get(i), window);
        Request[] order = requests.clone();
        Arrays.sort(order, Comparator.comparing((Request r) -> r.input, Arrays::compare));
        for (Request r : order) {
            if (r.input.length > cells) {
                throw HarnessException.usage("a request of " + r.input.length + " tokens does not fit the KV cache of "
                        + cells + " cells; raise --runtime-option ctx (at most the model's window of " + window + ")");
            }
        }
        Round round = new Round();
        for (Request r : order) {
            if (round.size > 0 && round.tryAdd(r)) continue;
            if (round.size > 0) {
                finish(round, observer, r);
                round = new Round();
            }
            trimResident(commonPrefix(resident, r.input));
            if (!round.tryAdd(r)) {
                trimResident(0);
                if (!round.tryAdd(r)) throw new IllegalStateException("a request does not fit an empty cache");
            }
        }
        finish(round, observer, null);
        LoglikelihoodResult[] out = new LoglikelihoodResult[n];
        for (Request r : requests) out[r.index] = r.result();
        return List.of(out);
    }

    /** Decodes a round, scores its requests, and keeps the prefix {@code next} shares with it resident. */
    private void finish(Round round, DistributionObserver observer, Request next) {
        if (round.size == 0) return;
        long t0 = System.nanoTime();
        for (int k = 0; k < round.size; k++) {
            Request r = round.requests[k];
            if (r.fromResident > 0) ctx.copySequence(RESIDENT, k + 1, 0, r.fromResident);
        }
        long setup = System.nanoTime() - t0;
        round.decode(observer);
        long t1 = System.nanoTime();
        Request last = round.requests[round.size - 1];
        // Sequence 0 becomes the last request's path up to what the next request shares with it (at the
        // end of a call, all of it: the next call's first request trims it).
        int keep = Math.min(maxResident, next == null ? last.input.length : commonPrefix(last.input, next.input));
        ctx.removeSequence(RESIDENT, last.fromResident, -1);
        if (keep > last.fromResident) ctx.copySequence(round.size, RESIDENT, last.fromResident, keep);
        else ctx.removeSequence(RESIDENT, keep, -1);
        ctx.keepOnly(RESIDENT);
        resident = Arrays.copyOf(last.input, keep);
        long overhead = setup + System.nanoTime() - t1;
        for (int k = 0; k < round.size; k++) round.requests[k].totalNanos += overhead / round.size;
    }

    /** Shortens the resident prefix to its first {@code keep} tokens. */
    private void trimResident(int keep) {
        if (keep >= resident.length) return;
        if (keep == 0) {
            reset();
            return;
        }
        ctx.removeSequence(RESIDENT, keep, -1);
        resident = Arrays.copyOf(resident, keep);
    }

    static int commonPrefix(int[] a, int[] b) {
        return LogProbs.commonPrefix(a, b);
    }

    /** One request: its input, where its scored rows are, and what it has gathered so far. */
    private static final class Request {
        final int index;
        final int[] input;
        final int[] continuation;
        final int firstScored;
        final boolean truncated;
        final double[] logprobs;
        boolean greedy = true;
        int fromResident;
        int created;
        int[] path;
        long prefillNanos;
        long totalNanos;

        Request(int index, TokenizedPair pair, int window) {
            this.index = index;
            this.continuation = pair.continuation();
            this.input = pair.windowedInput(window);
            this.firstScored = input.length - continuation.length;
            this.truncated = pair.length() - 1 > input.length;
            this.logprobs = new double[continuation.length];
        }

        LoglikelihoodResult result() {
            double sum = 0;
            for (double lp : logprobs) sum += lp;
            return new LoglikelihoodResult(sum, greedy, logprobs, firstScored + 1, continuation.length,
                    input.length - created, truncated, prefillNanos, totalNanos);
        }
    }

    /** The requests of one round and the prefix tree of their tokens beyond the resident prefix. */
    private final class Round {
        final Request[] requests = new Request[maxSequences];
        int size;
        // Nodes of the tree in creation order (a parent always before its children).
        int[] token = new int[256];
        int[] pos = new int[256];
        int[] firstRequest = new int[256];
        int[] lastRequest = new int[256];
        boolean[] output = new boolean[256];
        int nodes;

        /** Plans {@code r} into this round if the cache and the sequence ids have room for it. */
        boolean tryAdd(Request r) {
            if (size == maxSequences) return false;
            int fromResident = Math.min(commonPrefix(resident, r.input), r.firstScored);
            int shared = fromResident;
            Request prev = size == 0 ? null : requests[size - 1];
            // A row shared by two sequences couples them, and llama.cpp refuses a batch whose coupled
            // sequences hold different positions in the cache: share only with a request that took
            // as much from the resident prefix.
            if (prev != null && prev.fromResident == fromResident) {
                int lcp = commonPrefix(prev.input, r.input);
                while (shared < lcp && prev.path[shared] >= 0) shared++;
            }
            int fresh = r.input.length - shared;
            if (resident.length + nodes + fresh > cells) return false;
            // A request that adds no token (a duplicate) costs the round nothing, however full it is.
            if (size > 0 && fresh > 0 && nodes + fresh > roundTokens) return false;
            r.fromResident = fromResident;
            r.path = new int[r.input.length];
            Arrays.fill(r.path, 0, fromResident, -1);
            int k = size;
            for (int p = fromResident; p < shared; p++) {
                int node = prev.path[p];
                r.path[p] = node;
                lastRequest[node] = k;
            }
            for (int p = shared; p < r.input.length; p++) r.path[p] = newNode(r.input[p], p, k);
            for (int p = r.firstScored; p < r.input.length; p++) output[r.path[p]] = true;
            r.created = fresh;
            requests[size++] = r;
            return true;
        }

        private int newNode(int tok, int position, int request) {
            if (nodes == token.length) {
                int c = nodes * 2;
                token = Arrays.copyOf(token, c);
                pos = Arrays.copyOf(pos, c);
                firstRequest = Arrays.copyOf(firstRequest, c);
                lastRequest = Arrays.copyOf(lastRequest, c);
                output = Arrays.copyOf(output, c);
            }
            token[nodes] = tok;
            pos[nodes] = position;
            firstRequest[nodes] = request;
            lastRequest[nodes] = request;
            return nodes++;
        }

        /** Runs the nodes in batches and hands each scored row to the requests that need it. */
        void decode(DistributionObserver observer) {
            // Consumers of each node: (request in round, continuation index), grouped by node.
            int[] count = new int[nodes + 1];
            for (int k = 0; k < size; k++) {
                Request r = requests[k];
                for (int p = r.firstScored; p < r.input.length; p++) count[r.path[p] + 1]++;
            }
            for (int i = 0; i < nodes; i++) count[i + 1] += count[i];
            int[] consumerRequest = new int[count[nodes]];
            int[] consumerIndex = new int[count[nodes]];
            int[] fill = Arrays.copyOf(count, nodes);
            for (int k = 0; k < size; k++) {
                Request r = requests[k];
                for (int p = r.firstScored; p < r.input.length; p++) {
                    int slot = fill[r.path[p]]++;
                    consumerRequest[slot] = k;
                    consumerIndex[slot] = p - r.firstScored;
                }
            }
            double[] nodeNanos = new double[nodes];
            LlamaContext.Batch batch = ctx.batch();
            int[] rowNode = new int[batch.capacity()];
            int next = 0;
            while (next < nodes) {
                batch.clear();
                int from = next;
                while (next < nodes && !batch.full() && (batch.outputs() < maxOutputs || !output[next])) {
                    int seqs = lastRequest[next] - firstRequest[next] + 1;
                    int row = batch.add(token[next], pos[next], firstRequest[next] + 1, seqs, output[next]);
                    rowNode[row] = next;
                    next++;
                }
                long t0 = System.nanoTime();
                ctx.decode();
                decodes++;
                computedRows += next - from;
                double perToken = (System.nanoTime() - t0) / (double) (next - from);
                for (int i = from; i < next; i++) nodeNanos[i] = perToken;
                for (int row = 0; row < batch.size(); row++) {
                    int node = rowNode[row];
                    if (!output[node]) continue;
                    scoredRows++;
                    long s0 = System.nanoTime();
                    ctx.logits(row, logits);
                    int argmax = LogProbs.argmax(logits);
                    double logZ = LogProbs.logSumExp(logits);
                    for (int c = count[node]; c < count[node + 1]; c++) {
                        Request r = requests[consumerRequest[c]];
                        int k = consumerIndex[c];
                        int target = r.continuation[k];
                        r.logprobs[k] = logits[target] - logZ;
                        if (argmax != target) r.greedy = false;
                        if (observer != null) observer.observe(r.index, k, target, logits);
                    }
                    nodeNanos[node] += System.nanoTime() - s0;
                }
            }
            // Each node's time is shared by the requests through it.
            for (int k = 0; k < size; k++) {
                Request r = requests[k];
                double total = 0;
                double prefill = 0;
                for (int p = r.fromResident; p < r.input.length; p++) {
                    int node = r.path[p];
                    double share = nodeNanos[node] / (lastRequest[node] - firstRequest[node] + 1);
                    total += share;
                    if (p <= r.firstScored) prefill += share;
                }
                r.totalNanos += (long) total;
                r.prefillNanos += (long) prefill;
            }
        }
    }
}
