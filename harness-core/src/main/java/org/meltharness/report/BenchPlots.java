package org.meltharness.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.meltharness.bench.BenchStatistics.PositionSummary;
import org.meltharness.bench.MeanSd;
import org.meltharness.bench.TurnRecord;
import org.meltharness.measure.Quantity;
import org.meltharness.measure.Recording;
import org.meltharness.measure.TimeSeries;

/**
 * A bench run's plots as PNG and SVG, drawn as {@link Plots} draws the accuracy charts: per-turn
 * TTFT and decode rate (mean over repetitions), and for sustained runs tok/s and temperature
 * against time.
 */
public final class BenchPlots {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 520;

    private BenchPlots() {}

    /** One line of points. */
    public record Line(String name, double[] x, double[] y) {}

    /** Per-turn TTFT and decode rate of the measured positions; returns the files written. */
    public static List<Path> perTurn(List<PositionSummary> positions, Path dir) {
        List<Path> out = new ArrayList<>();
        out.addAll(chart("Time to first token per turn (mean over repetitions)", "turn (workload order)", "TTFT (ms)",
                byKind(positions, true), dir.resolve("ttft-per-turn")));
        out.addAll(chart("Decode rate per turn (MLPerf Client: (n-1)/(t_last - t_first))", "turn (workload order)", "decode tok/s",
                byKind(positions, false), dir.resolve("decode-rate-per-turn")));
        return out;
    }

    private static List<Line> byKind(List<PositionSummary> positions, boolean ttft) {
        Map<String, List<double[]>> points = new LinkedHashMap<>();
        for (PositionSummary p : positions) {
            MeanSd v = ttft ? p.ttftMs() : p.decodeTokensPerSecond();
            if (v != null) points.computeIfAbsent(p.kind(), k -> new ArrayList<>()).add(new double[] {p.index(), v.mean()});
        }
        List<Line> lines = new ArrayList<>();
        for (var e : points.entrySet()) lines.add(line(e.getKey(), e.getValue()));
        return lines;
    }

    /** A sustained run: each measured turn's decode rate at its end, and every thermal zone, against seconds. */
    public static List<Path> sustained(List<TurnRecord> turns, Recording recording, Path dir) {
        List<double[]> rate = new ArrayList<>();
        for (TurnRecord t : turns) {
            Double r = t.metrics().decodeTokensPerSecond();
            if (!t.warmup() && r != null) rate.add(new double[] {t.startSeconds() + t.metrics().e2eMs() / 1000, r});
        }
        List<Path> out = new ArrayList<>(chart("Sustained run: decode rate over time", "seconds", "decode tok/s",
                List.of(line("decode tok/s", rate)), dir.resolve("sustained-tok-s")));
        List<Line> temps = new ArrayList<>();
        for (TimeSeries s : recording.series(Quantity.TEMPERATURE)) {
            double[] x = new double[s.size()];
            double[] y = new double[s.size()];
            for (int i = 0; i < s.size(); i++) {
                x[i] = (s.time(i) - recording.originNanos()) / 1e9;
                y[i] = s.value(i);
            }
            temps.add(new Line(s.name(), x, y));
        }
        out.addAll(chart("Sustained run: temperature over time", "seconds", "°C", temps, dir.resolve("sustained-temperature")));
        return out;
    }

    private static Line line(String name, List<double[]> points) {
        return new Line(name, points.stream().mapToDouble(p -> p[0]).toArray(), points.stream().mapToDouble(p -> p[1]).toArray());
    }

    /** A line chart as {@code base.png} and {@code base.svg}; nothing when there are no points. */
    public static List<Path> chart(String title, String xLabel, String yLabel, List<Line> lines, Path base) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Line l : lines) {
            if (l.x().length == 0) continue;
            XYSeries s = new XYSeries(l.name(), false, true);
            for (int i = 0; i < l.x().length; i++) s.add(l.x()[i], l.y()[i]);
            data.addSeries(s);
        }
        if (data.getSeriesCount() == 0) return List.of();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, data.getItemCount(0) <= 200);
        NumberAxis x = new NumberAxis(xLabel);
        x.setAutoRangeIncludesZero(false);
        NumberAxis y = new NumberAxis(yLabel);
        y.setAutoRangeIncludesZero(false);
        XYPlot plot = ChartFiles.plot(data, x, y, renderer);
        return ChartFiles.write(ChartFiles.chart(title, plot, data.getSeriesCount() > 1), base, WIDTH, HEIGHT);
    }
}
