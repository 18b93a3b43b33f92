package org.meltharness.task;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** lm-eval's hellaswag/utils.py applied by hand to these inputs gives the expected strings. */
class HellaswagProcessorTest {
    @Test
    void buildsTheQueryWithCapitalisedCtxB() {
        Map<String, Object> doc = Map.of(
                "activity_label", "Roof shingle removal",
                "ctx_a", "A man is sitting on a roof.",
                "ctx_b", "he",
                "endings", List.of("is using wrap to wrap a pair of skis.", "is ripping level tiles off.",
                        "is holding a rubik's cube.", "starts pulling up roofing on a roof."),
                "label", "3");
        Map<String, Object> out = new HellaswagProcessor().process(doc);
        assertEquals("Roof shingle removal: A man is sitting on a roof. He", out.get("query"));
        assertEquals(3, out.get("gold"));
        assertEquals("is ripping level tiles off.", ((List<?>) out.get("choices")).get(1));
        assertEquals("he", out.get("ctx_b"), "original fields are kept, as dataset.map keeps them");
    }

    @Test
    void cleansBracketsTitlesAndDoubleSpaces() {
        assertEquals("How to dry. Step one", HellaswagProcessor.preprocess("  How to dry [title] Step one "));
        // lm-eval strips before removing brackets, so a leading "[header]" leaves a leading space.
        assertEquals(" Clean the tub. Rinse.", HellaswagProcessor.preprocess("[header] Clean the tub. [step] Rinse."));
        assertEquals("a b", HellaswagProcessor.preprocess("a  b"));
        assertEquals("keeps [a\nb] newline", HellaswagProcessor.preprocess("keeps [a\nb] newline"),
                "'.' does not cross a newline in Python's re");
    }

    @Test
    void capitalizeLowersTheRestOfCtxB() {
        Map<String, Object> doc = Map.of("activity_label", "Sports", "ctx_a", "A team plays.", "ctx_b", "the NBA star",
                "endings", List.of("a", "b", "c", "d"), "label", "0");
        assertEquals("Sports: A team plays. The nba star", new HellaswagProcessor().process(doc).get("query"));
    }
}
