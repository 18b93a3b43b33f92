package org.meltharness.report;

import org.meltharness.table.TableFormat;
import org.meltharness.table.Table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
    private static RunRow row(String melt, String model, String quant, String task, double value, long bytes, double ms) {
        return new RunRow("run-" + quant, model, melt, "llamacpp", quant, task, "acc", value, 0.01, 100, bytes, bytes, 7_000_000_000L,
                bytes * 2, ms, 100, true, "2026-11-25T00:00:00Z");
    }

    @Test
    void meltAccuracyPutsOursBesideThePublishedFigureAndDashesWhatIsNotRun() {
        List<RunRow> rows = List.of(row("Llama-2-7b", "llama2-7b", "q4_0", "arc_easy", 0.7561, 3_830_000_000L, 50),
                row(null, "../shared/models/stories260K/hf-pad192", "f32", "arc_easy", 0.24, 1_100_000, 80));
        List<Table> tables = MeltPaper.tables(rows);
        Table acc = tables.get(0);
        List<String> llamaQ4 = acc.rows().stream().filter(r -> r.get(0).equals("Llama-2-7b") && r.get(1).equals("q4_0"))
                .findFirst().orElseThrow();
        int arcEasy = acc.header().indexOf("arc_easy (ours / MELT)");
        assertEquals("0.7561 ± 0.0100 / 0.7559", llamaQ4.get(arcEasy), "ours beside MELT's llama.cpp q4_0 figure");
        int wino = acc.header().indexOf("winogrande (ours / MELT)");
        assertEquals("— / 0.6875", llamaQ4.get(wino), "not run yet");
        List<String> llamaNone = acc.rows().stream().filter(r -> r.get(0).equals("Llama-2-7b") && r.get(1).equals("None"))
                .findFirst().orElseThrow();
        assertEquals("— / 0.7630 (pytorch)", llamaNone.get(arcEasy), "full precision from MELT's pytorch row");
        Table specs = tables.get(1);
        assertTrue(specs.rows().stream().anyMatch(r -> r.get(0).equals("Llama-2-7b") && r.get(1).equals("q4_0")
                && r.get(2).equals("3.83 / 3.83")), specs.rows().toString());
        Table others = tables.get(2);
        assertEquals("stories260K/hf-pad192", others.rows().getFirst().get(0));
    }

    @Test
    void theLatestCompleteRunOfACellIsTheNewestByStartTimeNotById() {
        RunRow older = new RunRow("suite-cell-llama2", "llama2-7b", "Llama-2-7b", "llamacpp", "q4_0", "arc_easy", "acc", 0.70, 0.01,
                100, 1, 1, 1, 1, 1, 1, true, "2026-11-01T00:00:00Z");
        RunRow newer = new RunRow("20261120-100000-llama2-q4_0-ab12", "llama2-7b", "Llama-2-7b", "llamacpp", "q4_0", "arc_easy", "acc",
                0.75, 0.01, 100, 1, 1, 1, 1, 1, 1, true, "2026-11-20T10:00:00Z");
        RunRow partial = new RunRow("20261124-100000-llama2-q4_0-cd34", "llama2-7b", "Llama-2-7b", "llamacpp", "q4_0", "arc_easy",
                "acc", 0.10, 0.05, 3, 1, 1, 1, 1, 1, 1, false, "2026-11-24T10:00:00Z");
        Table acc = MeltPaper.tables(List.of(older, newer, partial)).get(0);
        List<String> q4 = acc.rows().stream().filter(r -> r.get(0).equals("Llama-2-7b") && r.get(1).equals("q4_0")).findFirst().orElseThrow();
        assertTrue(q4.get(acc.header().indexOf("arc_easy (ours / MELT)")).startsWith("0.7500"), q4.toString());
    }

    @Test
    void quantNamesMapToMeltsColumns() {
        assertEquals("None", MeltPaper.meltQuant("bf16").orElseThrow());
        assertEquals("q4_k", MeltPaper.meltQuant("q4_k_m").orElseThrow());
        assertEquals("q3_k", MeltPaper.meltQuant("Q3_K_M").orElseThrow());
        assertTrue(MeltPaper.meltQuant("q4").isEmpty(), "Jlama's q4 is not llama.cpp's q4_0");
    }

    @Test
    void paretoFrontKeepsOnlyUnbeatenPoints() {
        RunRow cheapBad = row(null, "m", "q4", "t", 0.5, 1, 10);
        RunRow midGood = row(null, "m", "q8", "t", 0.7, 2, 20);
        RunRow dominated = row(null, "m", "x", "t", 0.6, 3, 30);
        RunRow bigBest = row(null, "m", "f32", "t", 0.71, 4, 40);
        assertEquals(List.of(cheapBad, midGood, bigBest), Plots.pareto(List.of(bigBest, dominated, midGood, cheapBad), RunRow::fileBytes));
    }

    @Test
    void formatsAndPlotsAreReadableByTheirTools(@TempDir Path dir) throws Exception {
        Table t = new Table("t", "A & B", List.of("model", "value ± stderr"), List.of(List.of("x_1", "0.5 ± 0.1")), List.of("50% note"));
        String tex = TableFormat.TEX.render(t);
        assertTrue(tex.contains("\\toprule") && tex.contains("x\\_1 & 0.5 $\\pm$ 0.1 \\\\") && tex.contains("A \\& B")
                && tex.contains("50\\% note"), tex);
        assertEquals("model,value ± stderr\nx_1,0.5 ± 0.1\n", TableFormat.CSV.render(t));
        assertTrue(TableFormat.MD.render(t).contains("| x_1 | 0.5 ± 0.1 |"));
        List<RunRow> rows = List.of(row(null, "m", "f32", "arc_easy", 0.3, 4_000_000, 90), row(null, "m", "q4", "arc_easy", 0.28, 700_000, 70));
        List<Path> files = Plots.write(rows, dir);
        assertEquals(4, files.size());
        for (Path f : files) {
            if (f.toString().endsWith(".png")) {
                var img = ImageIO.read(f.toFile());
                assertEquals(900, img.getWidth());
            } else {
                var factory = DocumentBuilderFactory.newInstance();
                factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false); // no network
                var doc = factory.newDocumentBuilder().parse(f.toFile());
                assertEquals("svg", doc.getDocumentElement().getNodeName());
                assertTrue(Files.readString(f).contains("q4"), "points are labelled with their quantisation");
            }
        }
    }
}
