package org.meltharness.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
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
        assertEquals(dir.resolve("f0") + ":1: mc1_targets label of 'a' must be 0 or 1, not 2", fail("truthfulqa_mc_json", bad));
    }

    @Test
    void truthfulqaErrorsNameTheLineTheQuestionStartsOn() throws Exception {
        String good = "  {\"question\": \"q\",\n   \"mc1_targets\": {\"a\": 1},\n   \"mc2_targets\": {\"a\": 1}}";
        String noMc2 = "  {\"question\": \"r\",\n   \"mc1_targets\": {\"a\": 1}}";
        assertEquals(dir.resolve("f0") + ":5: missing key 'mc2_targets'",
                fail("truthfulqa_mc_json", "[\n" + good + ",\n" + noMc2 + "\n]\n"));
        assertEquals(dir.resolve("f0") + ":1: expected a JSON array of questions", fail("truthfulqa_mc_json", "{}"));
        assertTrue(fail("truthfulqa_mc_json", "[\n" + good + ",\n  {\"question\": }\n]").startsWith(dir.resolve("f0")
                + ":5: not valid JSON"));
    }

    @Test
    void bytesThatAreNotUtf8AreBadDataNotACrash() throws Exception {
        String good = "{\"sentence\":\"a _ b\",\"option1\":\"x\",\"option2\":\"y\",\"answer\":\"1\"}\n";
        byte[] bytes = (good + good).getBytes(StandardCharsets.UTF_8);
        bytes[good.length() + 14] = (byte) 0xff;
        Files.write(dir.resolve("latin"), bytes);
        var e = assertThrows(HarnessException.class, () -> DocReaders.get("winogrande_jsonl").read(List.of(dir.resolve("latin")), "x"));
        assertEquals(HarnessException.BAD_DATA, e.exitCode());
        assertEquals(dir.resolve("latin") + ":2: not valid UTF-8", e.getMessage());
        Files.write(dir.resolve("latin.csv"), new byte[] {'q', ',', (byte) 0xe9, ',', 'b', ',', 'c', ',', 'd', ',', 'A', '\n'});
        var csv = assertThrows(HarnessException.class, () -> DocReaders.get("mmlu_csv").read(List.of(dir.resolve("latin.csv")), "x"));
        assertEquals(dir.resolve("latin.csv") + ":1: not valid UTF-8", csv.getMessage());
    }

    @Test
    void mmluErrorsNameTheLineTheRowStartsOn() throws Exception {
        String rows = "\"a question\nover two lines\",w,x,y,z,A\nq2,\"b, with a comma\",c,d,e,F\n";
        assertEquals(dir.resolve("f0") + ":3: answer must be A, B, C or D, not 'F'", fail("mmlu_csv", rows));
        assertTrue(fail("mmlu_csv", "q,a,b,c,d,A\n\"unclosed,a,b,c,d,A\n").startsWith(dir.resolve("f0") + ":2: not valid CSV"));
    }

    @Test
    void moreMissingOrMistypedFields() throws Exception {
        assertEquals(dir.resolve("f0") + ":1: missing question.stem",
                fail("arc_jsonl", "{\"id\":\"1\",\"question\":{\"choices\":[]},\"answerKey\":\"A\"}\n"));
        assertEquals(dir.resolve("f0") + ":2: 'question' is not an object",
                fail("arc_jsonl", "\n{\"id\":\"1\",\"question\":\"q\",\"answerKey\":\"A\"}\n"));
        assertEquals(dir.resolve("f0") + ":1: 'ind' is not an integer",
                fail("hellaswag_jsonl", "{\"ind\":\"1\",\"activity_label\":\"a\",\"ctx_a\":\"b\",\"ctx_b\":\"c\",\"ctx\":\"b c\","
                        + "\"endings\":[\"1\",\"2\",\"3\",\"4\"],\"label\":1}\n"));
        assertEquals(dir.resolve("f0") + ":1: 'endings' must be a list of 4 strings",
                fail("hellaswag_jsonl", "{\"ind\":1,\"endings\":[\"1\",\"2\",\"3\"],\"label\":1}\n"));
        assertEquals(dir.resolve("f0") + ":1: sentence has no '_' blank",
                fail("winogrande_jsonl", "{\"sentence\":\"no blank\",\"option1\":\"x\",\"option2\":\"y\",\"answer\":\"1\"}\n"));
        assertEquals(dir.resolve("f0") + ":1: not a JSON object", fail("winogrande_jsonl", "[1, 2]\n"));
    }

    @Test
    void piqaItemsAndLabelsPairByLine() throws Exception {
        String item = "{\"goal\":\"g\",\"sol1\":\"a\",\"sol2\":\"b\"}\n";
        assertEquals(dir.resolve("f0") + ":2: blank line; items pair with f1 by line",
                fail("piqa_jsonl_labels", item + "\n" + item, "0\n1\n"));
        assertEquals(dir.resolve("f1") + ":1: label must be 0 or 1, not ''", fail("piqa_jsonl_labels", item + item, "\n1\n"));
        assertEquals(dir.resolve("f0") + ":1: missing key 'sol2'",
                fail("piqa_jsonl_labels", "{\"goal\":\"g\",\"sol1\":\"a\"}\n", "0\n"));
    }

    @Test
    void hellaswagTextNeedsSixLinesPerItem() throws Exception {
        assertEquals(true, fail("hellaswag_text", "Label: ctx\n1\na\nb\nc\n").contains("not a multiple of 6"));
        String one = "Label: ctx\n1\na\nb\nc\nd\n";
        assertEquals(dir.resolve("f0") + ":8: label must be 0..3, not '4'", fail("hellaswag_text", one + one.replace("\n1\n", "\n4\n")));
        assertEquals(dir.resolve("f0") + ":7: expected 'activity_label: context'", fail("hellaswag_text", one + one.replace(": ", " ")));
    }

    @Test
    void hellaswagTextReadsBzip2() throws Exception {
        Path bz = dir.resolve("two.txt.bz2");
        try (var out = new BZip2CompressorOutputStream(Files.newOutputStream(bz))) {
            out.write("Act: The ctx: with a colon.\n2\ne0\ne1\ne2\ne3\nB: c\n0\nf0\nf1\nf2\nf3\n".getBytes(StandardCharsets.UTF_8));
        }
        var docs = DocReaders.get("hellaswag_text").read(List.of(bz), "default");
        assertEquals(2, docs.size());
        assertEquals(java.util.Arrays.asList("ind", "activity_label", "ctx_a", "ctx_b", "ctx", "endings", "source_id", "split",
                "split_type", "label"), List.copyOf(docs.getFirst().keySet()));
        assertEquals("Act", docs.getFirst().get("activity_label"));
        assertEquals("The ctx: with a colon.", docs.getFirst().get("ctx_a"));
        assertEquals("The ctx: with a colon.", docs.getFirst().get("ctx"));
        assertEquals("", docs.getFirst().get("ctx_b"));
        assertEquals("2", docs.getFirst().get("label"));
        assertEquals(1, docs.get(1).get("ind"));
        assertEquals(List.of("f0", "f1", "f2", "f3"), docs.get(1).get("endings"));
    }
}
