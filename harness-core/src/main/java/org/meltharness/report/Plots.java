package org.meltharness.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.labels.XYItemLabelGenerator;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Accuracy against cost (model bytes, milliseconds per document), one series per model with its
 * quantisation levels as labelled points and the Pareto front (no other point is both cheaper
 * and more accurate) drawn as a line, as PNG and SVG.
 */
public final class Plots {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 560;

    private Plots() {}

    /** One chart per task for its first metric and each cost axis; returns the files written. */
    public static List<Path> write(List<RunRow> rows, Path dir) {
        List<Path> written = new ArrayList<>();
        Map<String, List<RunRow>> byTask = new LinkedHashMap<>();
        for (RunRow r : rows) {
            if (r.metric().startsWith("kl_") || r.metric().equals("top1_agreement")) continue;
            byTask.computeIfAbsent(r.task(), k -> new ArrayList<>());
        }
        for (String task : byTask.keySet()) {
            String metric = rows.stream().filter(r -> r.task().equals(task)).map(RunRow::metric).findFirst().orElseThrow();
            List<RunRow> points = rows.stream().filter(r -> r.task().equals(task) && r.metric().equals(metric)).toList();
            written.addAll(chart(points, task, metric, "model MiB in memory",
                    r -> (r.memoryBytes() > 0 ? r.memoryBytes() : r.fileBytes()) / (1024.0 * 1024.0),
                    dir.resolve(task + "-" + metric + "-vs-bytes")));
            written.addAll(chart(points, task, metric, "ms per document", RunRow::msPerDoc,
                    dir.resolve(task + "-" + metric + "-vs-ms")));
        }
        return written;
    }

    private static List<Path> chart(List<RunRow> points, String task, String metric, String xLabel, ToDoubleFunction<RunRow> x,
            Path base) {
        List<RunRow> usable = points.stream().filter(p -> x.applyAsDouble(p) > 0).toList();
        if (usable.isEmpty()) return List.of();
        XYSeriesCollection data = new XYSeriesCollection();
        Map<String, List<RunRow>> byModel = new LinkedHashMap<>();
        for (RunRow r : usable) byModel.computeIfAbsent(r.modelLabel() + " (" + r.runtime() + ")", k -> new ArrayList<>()).add(r);
        Map<Integer, List<RunRow>> labels = new LinkedHashMap<>();
        for (var e : byModel.entrySet()) {
            XYSeries s = new XYSeries(e.getKey(), false, true);
            List<RunRow> sorted = e.getValue().stream().sorted(Comparator.comparingDouble(x)).toList();
            for (RunRow r : sorted) s.add(x.applyAsDouble(r), r.value());
            labels.put(data.getSeriesCount(), sorted);
            data.addSeries(s);
        }
        XYSeries front = new XYSeries("Pareto front", false, true);
        for (RunRow r : pareto(usable, x)) front.add(x.applyAsDouble(r), r.value());
        data.addSeries(front);

        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(false, true);
        int frontIndex = data.getSeriesCount() - 1;
        renderer.setSeriesLinesVisible(frontIndex, true);
        // Front points get a ring, so a front of one point is marked too.
        renderer.setSeriesShape(frontIndex, new java.awt.geom.Ellipse2D.Double(-8, -8, 16, 16));
        renderer.setSeriesShapesFilled(frontIndex, false);
        renderer.setSeriesPaint(frontIndex, new Color(120, 120, 120));
        renderer.setSeriesStroke(frontIndex, new BasicStroke(1.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f,
                new float[] {6f, 4f}, 0f));
        XYItemLabelGenerator quantLabel = (dataset, series, item) -> series == frontIndex ? null
                : labels.get(series).get(item).quant();
        renderer.setDefaultItemLabelGenerator(quantLabel);
        renderer.setDefaultItemLabelsVisible(true);
        renderer.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));

        double min = usable.stream().mapToDouble(x).min().orElse(1);
        double max = usable.stream().mapToDouble(x).max().orElse(1);
        ValueAxis xAxis;
        if (max / min > 20) {
            xAxis = new LogAxis(xLabel + " (log)");
        } else {
            NumberAxis linear = new NumberAxis(xLabel);
            linear.setAutoRangeIncludesZero(false);
            xAxis = linear;
        }
        NumberAxis yAxis = new NumberAxis(metric);
        yAxis.setAutoRangeIncludesZero(false);
        // Scores that barely differ would otherwise get a range of 1e-9 and unreadable ticks.
        yAxis.setAutoRangeMinimumSize(0.05);
        yAxis.setNumberFormatOverride(new java.text.DecimalFormat("0.000"));
        XYPlot plot = ChartFiles.plot(data, xAxis, yAxis, renderer);
        JFreeChart chart = ChartFiles.chart(task + ": " + metric + " against " + xLabel, plot, true);
        return ChartFiles.write(chart, base, WIDTH, HEIGHT);
    }

    /** The points no other point beats on both axes (cheaper or equal and more accurate), cheapest first. */
    static List<RunRow> pareto(List<RunRow> points, ToDoubleFunction<RunRow> cost) {
        List<RunRow> sorted = points.stream()
                .sorted(Comparator.comparingDouble(cost).thenComparing(RunRow::value, Comparator.reverseOrder()))
                .toList();
        List<RunRow> front = new ArrayList<>();
        double best = Double.NEGATIVE_INFINITY;
        for (RunRow r : sorted) {
            if (r.value() > best) {
                front.add(r);
                best = r.value();
            }
        }
        return front;
    }
}
