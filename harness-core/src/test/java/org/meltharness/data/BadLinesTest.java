package org.meltharness.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.HarnessException;

/** Each reader names the file and line of what it cannot read. */
class BadLinesTest {
    @TempDir
    Path dir;

    private String fail(String format, String... contents) throws Exception {
        List<Path> files = new java.util.ArrayList<>();
        for (int i = 0; i < contents.length; i++) files.add(Files.writeString(dir.resolve("f" + i), contents[i]));
        var e = assertThrows(HarnessException.class, () -> DocReaders.get(format).read(files, "subject"));
        assertEquals(HarnessException.BAD_DATA, e.exitCode());
        assertEquals(false, e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void malformedJsonNamesTheLine() throws Exception {
        String good = "{\"sentence\":\"a _ b\",\"option1\":\"x\",\"option2\":\"y\",\"answer\":\"1\"}\n";
        String msg = fail("winogrande_jsonl", good + "\n{\"sentence\": \"a _\", \n");
        assertEquals(true, msg.startsWith(dir.resolve("f0") + ":3: not valid JSON"), msg);
    }

    @Test
    void missingKeysAndBadLabels() throws Exception {
        assertEquals(dir.resolve("f0") + ":1: missing key 'option2'",
                fail("winogrande_jsonl", "{\"sentence\":\"a _\",\"option1\":\"x\",\"answer\":\"1\"}\n"));
        assertEquals(dir.resolve("f0") + ":1: answer must be \"1\" or \"2\", not 3",
                fail("winogrande_jsonl", "{\"sentence\":\"a _\",\"option1\":\"x\",\"option2\":\"y\",\"answer\":\"3\"}\n"));
        assertEquals(dir.resolve("f0") + ":1: answerKey 'C' is not among the labels [A, B]",
                fail("arc_jsonl", "{\"id\":\"1\",\"question\":{\"stem\":\"q\",\"choices\":[{\"text\":\"a\",\"label\":\"A\"},"
                        + "{\"text\":\"b\",\"label\":\"B\"}]},\"answerKey\":\"C\"}\n"));
        assertEquals(dir.resolve("f0") + ":1: label must be 0..3, not 7",
                fail("hellaswag_jsonl", "{\"ind\":1,\"activity_label\":\"a\",\"ctx_a\":\"b\",\"ctx_b\":\"c\",\"ctx\":\"b c\","
                        + "\"endings\":[\"1\",\"2\",\"3\",\"4\"],\"label\":7}\n"));
    }

    @Test
    void piqaLabelsMustLineUp() throws Exception {
        String item = "{\"goal\":\"g\",\"sol1\":\"a\",\"sol2\":\"b\"}\n";
        assertEquals(dir.resolve("f1") + ": 1 labels for 2 items in f0", fail("piqa_jsonl_labels", item + item, "0\n"));
        assertEquals(dir.resolve("f1") + ":1: label must be 0 or 1, not '2'", fail("piqa_jsonl_labels", item, "2\n"));
    }

    @Test
    void mmluRowsNeedSixColumnsAndALetter() throws Exception {
        assertEquals(true, fail("mmlu_csv", "q,a,b,c,d\n").contains("expected 6 columns, found 5"));
        assertEquals(true, fail("mmlu_csv", "\"multi\nline q\",a,b,c,d,E\n").contains("answer must be A, B, C or D, not 'E'"));
    }

    @Test
    void truthfulqaRejectsDuplicateAnswersAndBadLabels() throws Exception {
        String dup = "[{\"question\":\"q\",\"mc1_targets\":{\"a\":1,\"a\":0},\"mc2_targets\":{\"a\":1}}]";
        assertEquals(true, fail("truthfulqa_mc_json", dup).contains("Duplicate field 'a'"));
        String bad = "[{\"question\":\"q\",\"mc1_targets\":{\"a\":2},\"mc2_targets\":{\"a\":1}}]";
        assertEquals(dir.resolve("f0") + ": item 0: mc1_targets label of 'a' must be 0 or 1", fail("truthfulqa_mc_json", bad));
    }

    @Test
    void hellaswagTextNeedsSixLinesPerItem() throws Exception {
        assertEquals(true, fail("hellaswag_text", "Label: ctx\n1\na\nb\nc\n").contains("not a multiple of 6"));
    }
}
