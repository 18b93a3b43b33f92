package org.meltharness.report;

import java.awt.Color;
import java.awt.Rectangle;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYItemRenderer;
import org.jfree.data.xy.XYDataset;
import org.jfree.svg.SVGGraphics2D;
import org.meltharness.io.AtomicFiles;

/** The look every plot of the harness shares, and its PNG and SVG files written atomically. */
final class ChartFiles {
    private ChartFiles() {}

    /** A white plot with light grid lines: what a paper figure wants. */
    static XYPlot plot(XYDataset data, ValueAxis x, ValueAxis y, XYItemRenderer renderer) {
        XYPlot plot = new XYPlot(data, x, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(220, 220, 220));
        plot.setRangeGridlinePaint(new Color(220, 220, 220));
        return plot;
    }

    /** A chart of {@code plot} on a white background. */
    static JFreeChart chart(String title, XYPlot plot, boolean legend) {
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, legend);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /** Writes {@code base}.png and {@code base}.svg; returns both paths. */
    static List<Path> write(JFreeChart chart, Path base, int width, int height) {
        Path png = base.resolveSibling(base.getFileName() + ".png");
        Path svg = base.resolveSibling(base.getFileName() + ".svg");
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ChartUtils.writeChartAsPNG(bytes, chart, width, height);
            AtomicFiles.write(png, bytes.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SVGGraphics2D g = new SVGGraphics2D(width, height);
        chart.draw(g, new Rectangle(0, 0, width, height));
        AtomicFiles.write(svg, g.getSVGDocument());
        return List.of(png, svg);
    }
}
