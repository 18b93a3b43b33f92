package org.meltharness.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.meltharness.HarnessException;
import org.meltharness.results.Fidelity;
import org.meltharness.results.TopkRecord;
import org.meltharness.runtime.DistributionObserver;
import org.meltharness.task.DocRequests;

/**
 * Watches the distributions of one batch of documents: keeps each scored position's top-k (for a
 * reference run) and/or compares it with a reference's top-k (KL divergence, top-1 agreement).
 */
final class DistributionProbe implements DistributionObserver {
    private final List<DocRequests> batch;
    private final int[] docOfRequest;
    private final int[] choiceOfRequest;
    private final int topK;
    private final Map<Integer, TopkRecord> reference;
    private final List<List<List<TopkRecord.Position>>> kept = new ArrayList<>();
    private final List<List<Double>> kl = new ArrayList<>();
    private final int[] top1Agree;
    private double[] logprobs = new double[0];

    /**
     * @param topK positions' top-k to keep, 0 for none
     * @param reference the reference's top-k by document id, or null
     */
    DistributionProbe(List<DocRequests> batch, int topK, Map<Integer, TopkRecord> reference) {
        this.batch = batch;
        this.topK = topK;
        this.reference = reference;
        int n = batch.stream().mapToInt(d -> d.requests().size()).sum();
        docOfRequest = new int[n];
        choiceOfRequest = new int[n];
        int r = 0;
        for (int d = 0; d < batch.size(); d++) {
            List<List<TopkRecord.Position>> choices = new ArrayList<>();
            for (int c = 0; c < batch.get(d).requests().size(); c++) {
                docOfRequest[r] = d;
                choiceOfRequest[r++] = c;
                choices.add(new ArrayList<>());
            }
            kept.add(choices);
            kl.add(new ArrayList<>());
        }
        top1Agree = new int[batch.size()];
    }

    @Override
    public void observe(int request, int position, int target, float[] logits) {
        int d = docOfRequest[request];
        int c = choiceOfRequest[request];
        logSoftmax(logits);
        if (topK > 0) {
            int[] ids = top(Math.min(topK, logits.length));
            float[] lps = new float[ids.length];
            for (int i = 0; i < ids.length; i++) lps[i] = (float) logprobs[ids[i]];
            List<TopkRecord.Position> positions = kept.get(d).get(c);
            while (positions.size() <= position) positions.add(null);
            positions.set(position, new TopkRecord.Position(target, logprobs[target], ids, lps));
        }
        if (reference != null) compare(d, c, position, target);
    }

    /** The top-k record of a document in the batch. */
    TopkRecord topk(int d) {
        return new TopkRecord(batch.get(d).docId(), kept.get(d));
    }

    /** The fidelity of a document in the batch, or null without a reference. */
    Fidelity fidelity(int d) {
        if (reference == null) return null;
        double[] values = kl.get(d).stream().mapToDouble(Double::doubleValue).toArray();
        return new Fidelity(values, top1Agree[d], values.length);
    }

    private void compare(int d, int c, int position, int target) {
        DocRequests doc = batch.get(d);
        TopkRecord ref = reference.get(doc.docId());
        if (ref == null || c >= ref.choices().size() || position >= ref.choices().get(c).size()) {
            throw HarnessException.usage("the reference run has no distribution for document " + doc.docId() + " choice " + c
                    + " token " + position + "; it must cover the same documents with the same prompts");
        }
        TopkRecord.Position p = ref.choices().get(c).get(position);
        if (p.target() != target) {
            throw HarnessException.usage("document " + doc.docId() + " was tokenized differently in the reference run "
                    + "(token " + position + " of choice " + c + " is " + p.target() + " there, " + target + " here); fidelity "
                    + "needs the same tokenizer");
        }
        kl.get(d).add(klTopK(p));
        if (argmax() == p.ids()[0]) top1Agree[d]++;
    }

    /**
     * KL(reference || this) over the reference's top-k tokens and one bucket for all others: the
     * divergence of the two distributions coarsened to those k + 1 outcomes, a lower bound of the
     * full KL that equals it when the top-k hold nearly all the mass.
     */
    private double klTopK(TopkRecord.Position p) {
        double sum = 0;
        double refMass = 0;
        double ourMass = 0;
        for (int i = 0; i < p.ids().length; i++) {
            double pr = Math.exp(p.logprobs()[i]);
            double lq = logprobs[p.ids()[i]];
            sum += pr * (p.logprobs()[i] - lq);
            refMass += pr;
            ourMass += Math.exp(lq);
        }
        double refTail = 1 - refMass;
        double ourTail = 1 - ourMass;
        if (refTail > 1e-9) sum += refTail * (Math.log(refTail) - Math.log(Math.max(ourTail, 1e-300)));
        return Math.max(0, sum);
    }

    private void logSoftmax(float[] logits) {
        if (logprobs.length != logits.length) logprobs = new double[logits.length];
        double log = org.meltharness.runtime.LogProbs.logSumExp(logits);
        for (int i = 0; i < logits.length; i++) logprobs[i] = logits[i] - log;
    }

    private int argmax() {
        int best = 0;
        for (int i = 1; i < logprobs.length; i++) if (logprobs[i] > logprobs[best]) best = i;
        return best;
    }

    /** Indices of the k largest log-probs, largest first (ties to the lower id). */
    private int[] top(int k) {
        Comparator<Integer> byValue = (a, b) -> logprobs[a] != logprobs[b] ? Double.compare(logprobs[a], logprobs[b])
                : Integer.compare(b, a);
        PriorityQueue<Integer> best = new PriorityQueue<>(k, byValue); // the k best so far, worst on top
        for (int i = 0; i < logprobs.length; i++) {
            if (best.size() < k) {
                best.add(i);
            } else if (byValue.compare(i, best.peek()) > 0) {
                best.poll();
                best.add(i);
            }
        }
        return best.stream().sorted(byValue.reversed()).mapToInt(Integer::intValue).toArray();
    }
}
