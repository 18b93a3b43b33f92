package org.meltharness.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.meltharness.results.Fidelity;
import org.meltharness.io.Json;
import org.meltharness.io.Hashing;
import org.meltharness.results.JsonlLog;
import org.meltharness.results.SampleRecord;
import org.meltharness.runtime.LoglikelihoodRequest;
import org.meltharness.runtime.LoglikelihoodResult;
import org.meltharness.runtime.Runtime;
import org.meltharness.score.DocScore;
import org.meltharness.score.MultipleChoice;
import org.meltharness.task.DocRequests;

/**
 * Runs prepared tasks on a runtime, scoring each document and appending it to the task's samples
 * file as soon as its batch finishes. Documents already in the file are skipped, which is how a
 * run resumes.
 */
public final class Evaluator {
    private final Runtime runtime;
    private final int batchDocs;
    private final boolean logPrompts;

    /**
     * @param batchDocs documents sent to the runtime together (they may share prefixes)
     * @param logPrompts whether the full context texts go into the samples
     */
    public Evaluator(Runtime runtime, int batchDocs, boolean logPrompts) {
        if (batchDocs < 1) throw new IllegalArgumentException("batchDocs must be at least 1");
        this.runtime = runtime;
        this.batchDocs = batchDocs;
        this.logPrompts = logPrompts;
    }

    /** The documents of a job that the samples file does not hold yet. */
    public static List<DocRequests> remaining(TaskJob job, List<SampleRecord> done) {
        Set<Integer> ids = done.stream().map(SampleRecord::docId).collect(Collectors.toSet());
        return job.docs().stream().filter(d -> !ids.contains(d.docId())).toList();
    }

    /** Scores {@code todo} in batches, appending each document to {@code log}; returns documents done. */
    public int run(TaskJob job, List<DocRequests> todo, JsonlLog<SampleRecord> log, Progress progress) {
        return run(job, todo, log, progress, DistributionOptions.NONE);
    }

    /** As {@link #run(TaskJob, List, JsonlLog, Progress)}, keeping or comparing token distributions as asked. */
    public int run(TaskJob job, List<DocRequests> todo, JsonlLog<SampleRecord> log, Progress progress,
            DistributionOptions distributions) {
        int done = 0;
        for (int i = 0; i < todo.size(); i += batchDocs) {
            if (Thread.currentThread().isInterrupted()) break;
            List<DocRequests> batch = todo.subList(i, Math.min(todo.size(), i + batchDocs));
            List<LoglikelihoodRequest> requests = new ArrayList<>();
            for (DocRequests d : batch) {
                for (DocRequests.Request r : d.requests()) {
                    requests.add(new LoglikelihoodRequest(r.context(), r.continuation()));
                }
            }
            DistributionProbe probe = distributions.active()
                    ? new DistributionProbe(batch, distributions.topK(), distributions.reference()) : null;
            List<LoglikelihoodResult> results = runtime.loglikelihood(requests, probe);
            int at = 0;
            for (int k = 0; k < batch.size(); k++) {
                DocRequests d = batch.get(k);
                List<LoglikelihoodResult> mine = results.subList(at, at + d.requests().size());
                at += d.requests().size();
                // The top-k line goes first: a sample on disk then always has its distributions.
                if (distributions.topK() > 0) distributions.topkLog().append(probe.topk(k));
                log.append(record(job, d, mine, probe == null ? null : probe.fidelity(k)));
            }
            done += batch.size();
            progress.advance(batch.size());
        }
        return done;
    }

    SampleRecord record(TaskJob job, DocRequests d, List<LoglikelihoodResult> results, Fidelity fidelity) {
        int n = results.size();
        double[] lls = new double[n];
        boolean[] greedy = new boolean[n];
        List<SampleRecord.Choice> choices = new ArrayList<>(n);
        double timeMs = 0;
        double prefillMs = 0;
        long tokens = 0;
        for (int i = 0; i < n; i++) {
            LoglikelihoodResult r = results.get(i);
            lls[i] = r.logLikelihood();
            greedy[i] = r.greedy();
            timeMs += r.totalNanos() / 1e6;
            prefillMs += r.prefillNanos() / 1e6;
            tokens += r.contextTokens() + r.continuationTokens();
            choices.add(new SampleRecord.Choice(d.requests().get(i).continuation(), r.logLikelihood(), r.greedy(),
                    r.contextTokens(), r.continuationTokens(), r.reusedTokens(), r.truncated(), r.tokenLogprobs(),
                    r.prefillNanos() / 1e6, r.totalNanos() / 1e6));
        }
        var metricNames = job.task().spec().metricNames();
        DocScore score = job.processor() == null
                ? MultipleChoice.score(metricNames, d.choices(), d.gold(), lls, greedy)
                : job.processor().process(d.doc(), metricNames, lls, greedy);
        List<String> contexts = d.requests().stream().map(DocRequests.Request::context).distinct().toList();
        String promptHash = Hashing.sha256(String.join("\u0000", contexts));
        return new SampleRecord(d.docId(), Hashing.sha256(Json.line(d.doc())), promptHash, d.gold(), score.pred(),
                score.predNorm(), score.metrics(), choices, timeMs, prefillMs, tokens, logPrompts ? contexts : null, fidelity);
    }
}
