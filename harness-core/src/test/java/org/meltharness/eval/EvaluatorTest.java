package org.meltharness.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.SharedFiles;
import org.meltharness.data.DataOptions;
import org.meltharness.data.DataStore;
import org.meltharness.data.DatasetCatalog;
import org.meltharness.data.Downloader;
import org.meltharness.results.JsonlLog;
import org.meltharness.results.SampleRecord;
import org.meltharness.runtime.Generation;
import org.meltharness.runtime.GenerationRequest;
import org.meltharness.runtime.LoglikelihoodRequest;
import org.meltharness.runtime.LoglikelihoodResult;
import org.meltharness.runtime.ModelInfo;
import org.meltharness.runtime.Runtime;
import org.meltharness.runtime.TokenListener;
import org.meltharness.task.DocRequests;
import org.meltharness.task.TaskCatalog;

/**
 * The evaluator on ARC-Easy's first real documents and a scripted runtime whose log-likelihoods are
 * known: batches of the asked size in document order, one sample per document with the runtime's
 * numbers and lm-eval's acc, and a resume that scores only what is missing.
 */
class EvaluatorTest {
    private static final int DOCS = 7;

    @TempDir
    Path dir;

    private TaskJob job;
    private Scripted runtime;

    @BeforeEach
    void prepare() {
        DataStore data = new DataStore(DatasetCatalog.load(), new DataOptions(SharedFiles.datasets(), dir.resolve("cache"), true),
                new Downloader(), msg -> { });
        TaskCatalog.LoadedTask arc = TaskCatalog.load(List.of()).resolve(List.of("arc_easy")).getFirst();
        job = new TaskPreparer(data, msg -> { }).prepare(arc, DOCS, 0, 1234);
        runtime = new Scripted(job.docs());
    }

    @Test
    void scoresInBatchesInOrderWithTheRuntimesNumbers() {
        Path samples = dir.resolve("samples-arc_easy.jsonl");
        StringWriter progressOut = new StringWriter();
        int done;
        try (JsonlLog<SampleRecord> log = JsonlLog.open(samples)) {
            done = new Evaluator(runtime, 3, false).run(job, job.docs(), log, new Progress(new PrintWriter(progressOut), false, "arc_easy", DOCS));
        }
        assertEquals(DOCS, done);
        // 7 documents in batches of 3: 3 + 3 + 1, every choice of a document in the same call, in order.
        assertEquals(List.of(3, 3, 1), runtime.docsPerCall);
        List<String> sent = runtime.calls.stream().flatMap(List::stream).map(LoglikelihoodRequest::continuation).toList();
        List<String> expected = job.docs().stream().flatMap(d -> d.requests().stream()).map(DocRequests.Request::continuation).toList();
        assertEquals(expected, sent);

        List<SampleRecord> written = JsonlLog.read(samples, SampleRecord.class);
        assertEquals(job.docs().stream().map(DocRequests::docId).toList(), written.stream().map(SampleRecord::docId).toList());
        for (int k = 0; k < DOCS; k++) {
            SampleRecord s = written.get(k);
            DocRequests d = job.docs().get(k);
            assertEquals(d.gold(), s.gold());
            // The runtime favours the gold answer on even documents and the first wrong one on odd ones.
            boolean right = k % 2 == 0;
            assertEquals(right ? d.gold() : Scripted.wrong(d), s.pred(), "doc " + d.docId());
            assertEquals(right ? 1.0 : 0.0, s.metrics().get("acc"), "doc " + d.docId());
            assertEquals(d.choices().size(), s.choices().size());
            for (int i = 0; i < d.choices().size(); i++) {
                assertEquals(runtime.ll(d, i), s.choices().get(i).ll(), 0.0);
            }
            // Time is the runtime's, summed over the document's requests: 2 ms each.
            assertEquals(2.0 * d.choices().size(), s.timeMs(), 1e-9);
        }
    }

    @Test
    void aResumedTaskScoresOnlyTheMissingDocuments() {
        Path samples = dir.resolve("samples-arc_easy.jsonl");
        Evaluator evaluator = new Evaluator(runtime, 2, false);
        try (JsonlLog<SampleRecord> log = JsonlLog.open(samples)) {
            evaluator.run(job, job.docs().subList(0, 4), log, new Progress(new PrintWriter(new StringWriter()), false, "arc_easy", 4));
        }
        List<DocRequests> todo = Evaluator.remaining(job, JsonlLog.read(samples, SampleRecord.class));
        assertEquals(job.docs().subList(4, DOCS), todo);
        int before = runtime.calls.size();
        try (JsonlLog<SampleRecord> log = JsonlLog.open(samples)) {
            assertEquals(3, evaluator.run(job, todo, log, new Progress(new PrintWriter(new StringWriter()), false, "arc_easy", 3)));
        }
        assertEquals(2, runtime.calls.size() - before, "3 documents in batches of 2");
        List<SampleRecord> all = JsonlLog.read(samples, SampleRecord.class);
        assertEquals(DOCS, all.size());
        assertEquals(job.docs().stream().map(DocRequests::docId).toList(), all.stream().map(SampleRecord::docId).toList());
        assertTrue(Evaluator.remaining(job, all).isEmpty());
    }

    @Test
    void theDocumentsAreRealAndTheirChoicesDiffer() {
        // The script would prove nothing on documents whose choices were alike.
        assertEquals(DOCS, job.docs().size());
        for (DocRequests d : job.docs()) {
            assertTrue(d.choices().size() >= 3, d.toString());
            assertNotEquals(d.gold(), Scripted.wrong(d));
        }
    }

    /** A runtime whose log-likelihood of each (document, choice) is set by the test, 2 ms per request. */
    private static final class Scripted implements Runtime {
        final List<List<LoglikelihoodRequest>> calls = new ArrayList<>();
        final List<Integer> docsPerCall = new ArrayList<>();
        private final Map<String, Double> lls = new HashMap<>();
        private final Map<String, Integer> docOf = new HashMap<>();

        Scripted(List<DocRequests> docs) {
            for (int k = 0; k < docs.size(); k++) {
                DocRequests d = docs.get(k);
                int favoured = k % 2 == 0 ? d.gold() : wrong(d);
                for (int i = 0; i < d.requests().size(); i++) {
                    String key = key(d.requests().get(i).context(), d.requests().get(i).continuation());
                    lls.put(key, i == favoured ? -0.5 : -20.0 - i);
                    docOf.put(key, d.docId());
                }
            }
        }

        static int wrong(DocRequests d) {
            return d.gold() == 0 ? 1 : 0;
        }

        double ll(DocRequests d, int i) {
            return lls.get(key(d.requests().get(i).context(), d.requests().get(i).continuation()));
        }

        private static String key(String context, String continuation) {
            return context + "\u0000" + continuation;
        }

        @Override
        public ModelInfo info() {
            return new ModelInfo("scripted", "0", "/nowhere", "llama", 1, "f32", 4, 512, 32, "words", Map.of());
        }

        @Override
        public List<LoglikelihoodResult> loglikelihood(List<LoglikelihoodRequest> requests) {
            calls.add(List.copyOf(requests));
            docsPerCall.add((int) requests.stream().map(r -> docOf.get(key(r.context(), r.continuation()))).distinct().count());
            return requests.stream().map(r -> new LoglikelihoodResult(lls.get(key(r.context(), r.continuation())), false, new double[0],
                    10, 2, 0, false, 1_000_000L, 2_000_000L)).toList();
        }

        @Override
        public Generation generate(GenerationRequest request, TokenListener listener) {
            throw new UnsupportedOperationException("scoring only");
        }

        @Override
        public void close() {}
    }
}
