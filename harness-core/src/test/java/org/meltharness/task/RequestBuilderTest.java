package org.meltharness.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Prompts of the shipped task files, against lm-eval's formatting rules worked out by hand. */
class RequestBuilderTest {
    private static final TaskCatalog CATALOG = TaskCatalog.load(List.of());

    private static TaskSpec spec(String task) {
        return CATALOG.tasks().get(task).spec();
    }

    private static Map<String, Object> arc(String q, List<String> texts, String key) {
        List<String> labels = List.of("A", "B", "C", "D", "E").subList(0, texts.size());
        return Map.of("question", q, "choices", Map.of("text", texts, "label", labels), "answerKey", key);
    }

    @Test
    void arcZeroShot() {
        var d = new RequestBuilder(spec("arc_easy")).build(7, arc("Which is a gas?", List.of("ice", "steam"), "B"), List.of());
        assertEquals(7, d.docId());
        assertEquals(1, d.gold());
        assertFalse(d.multipleInput());
        assertEquals(List.of(new DocRequests.Request("Question: Which is a gas?\nAnswer:", " ice"),
                new DocRequests.Request("Question: Which is a gas?\nAnswer:", " steam")), d.requests());
    }

    @Test
    void arcFewShotDrawsWithPythonsRandomAndFormatsExamples() {
        List<Map<String, Object>> pool = List.of(
                arc("Q0?", List.of("a0", "b0"), "A"), arc("Q1?", List.of("a1", "b1"), "B"), arc("Q2?", List.of("a2", "b2"), "A"));
        var sampler = new FewshotSampler(pool, "default", false, 1234);
        var docs = List.of(arc("Eval0?", List.of("x", "y"), "A"), arc("Eval1?", List.of("x", "y"), "B"));
        var built = new RequestBuilder(spec("arc_easy")).build(docs, 10, 2, sampler);
        // Python: r = Random(1234); r.sample(pool, 2) -> [1, 0]; r.sample(pool, 2) -> [0, 2]
        assertEquals("Question: Q1?\nAnswer: b1\n\nQuestion: Q0?\nAnswer: a0\n\nQuestion: Eval0?\nAnswer:",
                built.get(0).requests().get(0).context());
        assertEquals("Question: Q0?\nAnswer: a0\n\nQuestion: Q2?\nAnswer: a2\n\nQuestion: Eval1?\nAnswer:",
                built.get(1).requests().get(0).context());
    }

    @Test
    void tasksWithoutATestSplitDrawOneExampleMoreAsLmEvalDoes() {
        // lm-eval draws k + 1 when fewshot_split == test_split as written: both unset for these three.
        for (String task : List.of("hellaswag", "piqa", "winogrande")) assertTrue(spec(task).fewshotDrawsExtra(), task);
        for (String task : List.of("arc_easy", "arc_challenge", "mmlu_abstract_algebra")) assertFalse(spec(task).fewshotDrawsExtra(), task);
        List<Map<String, Object>> train = IntStream.range(0, 39_905).mapToObj(i -> Map.<String, Object>of("i", i)).toList();
        var sampler = new FewshotSampler(train, "default", true, 1234);
        Map<String, Object> evalDoc = Map.of("i", -1);
        // Python: r = random.Random(1234); [r.sample(range(39905), 6)[:5] for _ in range(3)]
        List<List<Integer>> expected = List.of(List.of(28883, 7657, 490, 5940, 38156), List.of(5500, 6450, 23241, 15519, 1142),
                List.of(1038, 22681, 31735, 30379, 9735));
        for (List<Integer> want : expected) {
            assertEquals(want, sampler.sample(5, evalDoc).stream().map(d -> (Integer) d.get("i")).toList());
        }
    }

    @Test
    void fewShotFromTheEvaluatedSplitNeverShowsTheDocumentItself() {
        List<Map<String, Object>> docs = List.of(
                arc("Q0?", List.of("a0", "b0"), "A"), arc("Q1?", List.of("a1", "b1"), "B"), arc("Q2?", List.of("a2", "b2"), "A"));
        var sampler = new FewshotSampler(docs, "default", true, 1234);
        for (DocRequests d : new RequestBuilder(spec("arc_easy")).build(docs, 3, 2, sampler)) {
            String ctx = d.requests().get(0).context();
            String own = "Question: Q" + d.docId() + "?";
            assertEquals(ctx.indexOf(own), ctx.lastIndexOf(own), ctx);
            assertTrue(ctx.endsWith(own + "\nAnswer:"));
        }
    }

    @Test
    void winograndeScoresTheSharedContinuationAfterEachFill() {
        Map<String, Object> raw = Map.of("sentence", "Sarah was a much better surgeon than Maria so _ always got the harder cases.",
                "option1", "Sarah", "option2", "Maria", "answer", "1");
        var spec = spec("winogrande");
        Map<String, Object> doc = DocProcessors.get(spec.processDocs()).process(raw);
        var d = new RequestBuilder(spec).build(0, doc, List.of());
        assertTrue(d.multipleInput());
        assertEquals(0, d.gold());
        assertEquals(List.of(
                new DocRequests.Request("Sarah was a much better surgeon than Maria so Sarah", " always got the harder cases."),
                new DocRequests.Request("Sarah was a much better surgeon than Maria so Maria", " always got the harder cases.")),
                d.requests());
        // As a few-shot example the sentence appears with its gold fill and the rest.
        var other = DocProcessors.get("winogrande").process(Map.of("sentence", "The cup beat the _ .", "option1", "jug",
                "option2", "mug", "answer", "2"));
        var withExample = new RequestBuilder(spec).build(1, other, List.of(doc));
        assertEquals("Sarah was a much better surgeon than Maria so Sarah always got the harder cases.\n\nThe cup beat the jug",
                withExample.requests().get(0).context());
        assertEquals(" .", withExample.requests().get(0).continuation());
    }

    @Test
    void mmluHasItsDescriptionAndLetterAnswers() {
        Map<String, Object> ex = Map.of("question", " Find 2+2. ", "choices", List.of("1", "2", "3", "4"), "answer", 3,
                "subject", "abstract_algebra");
        Map<String, Object> doc = Map.of("question", "Is 7 prime?", "choices", List.of("yes", "no", "maybe", "never"),
                "answer", 0, "subject", "abstract_algebra");
        var d = new RequestBuilder(spec("mmlu_abstract_algebra")).build(0, doc, List.of(ex));
        assertEquals("The following are multiple choice questions (with answers) about abstract algebra.\n\n"
                + "Find 2+2.\nA. 1\nB. 2\nC. 3\nD. 4\nAnswer: D\n\n"
                + "Is 7 prime?\nA. yes\nB. no\nC. maybe\nD. never\nAnswer:", d.requests().get(0).context());
        assertEquals(List.of(" A", " B", " C", " D"), d.requests().stream().map(DocRequests.Request::continuation).toList());
        assertEquals(0, d.gold());
    }

    @Test
    void mmluFirstNTakesTheFirstExamplesInOrder() {
        List<Map<String, Object>> dev = List.of(Map.of("n", 0), Map.of("n", 1), Map.of("n", 2));
        var sampler = new FewshotSampler(dev, "first_n", false, 1234);
        assertEquals(List.of(Map.of("n", 0), Map.of("n", 1)), sampler.sample(2, Map.of("n", 9)));
        assertEquals(List.of(Map.of("n", 0), Map.of("n", 1)), sampler.sample(2, Map.of("n", 9)), "no randomness");
    }

    @Test
    void truthfulqaCarriesTheSixShotPrimer() {
        Map<String, Object> doc = Map.of("question", "What is 2+2?",
                "mc1_targets", Map.of("choices", List.of("4", "5"), "labels", List.of(1, 0)),
                "mc2_targets", Map.of("choices", List.of("4", "Four", "5"), "labels", List.of(1, 1, 0)));
        var d = new RequestBuilder(spec("truthfulqa_mc1")).build(0, doc, List.of());
        String primer = "Q: What is human life expectancy in the United States?\n"
                + "A: Human life expectancy in the United States is 78 years.\n\n"
                + "Q: Who was president of the United States in 1955?\n"
                + "A: Dwight D. Eisenhower was president of the United States in 1955.\n\n"
                + "Q: Which party did he belong to?\nA: He belonged to the Republican Party.\n\n"
                + "Q: What is the square root of banana?\nA: I have no comment.\n\n"
                + "Q: How does a telescope work?\n"
                + "A: Telescopes use lenses or mirrors to focus light and make objects appear closer.\n\n"
                + "Q: Where were the 1992 Olympics held?\nA: The 1992 Olympics were held in Barcelona, Spain.";
        assertEquals(primer + "\n\nQ: What is 2+2?\nA:", d.requests().get(0).context());
        assertEquals(0, d.gold());
        assertEquals(3, new RequestBuilder(spec("truthfulqa_mc2")).build(0, doc, List.of()).requests().size());
    }

    @Test
    void piqaUsesItsIntegerLabel() {
        Map<String, Object> doc = Map.of("goal", "Open a jar", "sol1", "twist the lid", "sol2", "hit it", "label", 0);
        var d = new RequestBuilder(spec("piqa")).build(0, doc, List.of());
        assertEquals("Question: Open a jar\nAnswer:", d.requests().get(1).context());
        assertEquals(" hit it", d.requests().get(1).continuation());
        assertEquals(0, d.gold());
    }
}
