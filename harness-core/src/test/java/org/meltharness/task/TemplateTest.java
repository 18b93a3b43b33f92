package org.meltharness.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateTest {
    private static final Map<String, Object> ARC = Map.of(
            "question", "Which gas do plants take in?",
            "choices", Map.of("text", List.of("oxygen", "carbon dioxide"), "label", List.of("A", "B")),
            "answerKey", "B");

    @Test
    void rendersFieldsIntoText() {
        assertEquals("Question: Which gas do plants take in?\nAnswer:",
                Template.parse("Question: {{question}}\nAnswer:").evaluate(ARC));
    }

    @Test
    void singleHoleKeepsTheValueType() {
        assertEquals(List.of("oxygen", "carbon dioxide"), Template.parse("{{choices.text}}").evaluate(ARC));
        assertEquals(1, Template.parse("{{ choices.label.index(answerKey) }}").evaluate(ARC));
        assertTrue(Template.parse("{{choices.text}}").isSingleExpression());
    }

    @Test
    void listLiteralsIndexingAndStrip() {
        Map<String, Object> doc = Map.of("sol1", "a", "sol2", "b", "question", "  q\u00a0", "choices", List.of("x", "y"));
        assertEquals(List.of("a", "b"), Template.parse("{{[sol1, sol2]}}").evaluate(doc));
        assertEquals("q\nA. x\nB. y", Template.parse("{{question.strip()}}\nA. {{choices[0]}}\nB. {{choices[1]}}").evaluate(doc));
        assertEquals("y", Template.parse("{{choices[-1]}}").evaluate(doc));
    }

    @Test
    void rendersNonStringsAsPythonWould() {
        Map<String, Object> doc = Map.of("n", 3, "xs", List.of("a", "b'c", "x\ny\t\\", "q\"'", "\u0001"), "ok", true);
        // Python: repr(['a', "b'c", 'x\ny\t\\', 'q"\'', '\x01'])
        assertEquals("3 ['a', \"b'c\", 'x\\ny\\t\\\\', 'q\"\\'', '\\x01'] True",
                Template.parse("{{n}} {{xs}} {{ok}}").evaluate(doc));
    }

    @Test
    void explainsWhatDoesNotFit() {
        var e = assertThrows(Template.TemplateException.class, () -> Template.parse("{{missing}}").evaluate(ARC));
        assertEquals("document has no field 'missing'", e.getMessage());
        var e2 = assertThrows(Template.TemplateException.class,
                () -> Template.parse("{{choices.label.index('Z')}}").evaluate(ARC));
        assertEquals("'Z' is not in list", e2.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Template.parse("{{question"));
        assertThrows(IllegalArgumentException.class, () -> Template.parse("{{a b}}"));
        assertThrows(IllegalArgumentException.class, () -> Template.parse("{% if x %}{{x}}{% endif %}"));
        assertThrows(IllegalArgumentException.class, () -> Template.parse("{# note #}{{x}}"));
    }
}
