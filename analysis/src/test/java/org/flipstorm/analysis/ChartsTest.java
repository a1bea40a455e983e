package org.flipstorm.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.flipstorm.common.stats.Intervals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;

/** Whiskers are the exact interval bounds, never a symmetric stand-in that crosses zero. */
class ChartsTest {
    @TempDir
    Path dir;

    @Test
    void whiskersSpanTheExactAsymmetricBounds() {
        // 1 SDC in 2,000 trials: the Wilson interval is far from symmetric around 0.0005.
        Intervals.Interval rare = Intervals.wilson(1, 2000, 0.99);
        Intervals.Interval common = Intervals.wilson(300, 2000, 0.99);
        XYChart c = Charts.intervals("t", "layer", "SDC rate", List.of("conv1", "fc1"), Map.of("m", List.of(
                new Charts.Estimate(1 / 2000.0, rare.low(), rare.high()),
                new Charts.Estimate(300 / 2000.0, common.low(), common.high()))));
        assertArrayEquals(new double[] {rare.low(), rare.high()}, c.getSeriesMap().get("whisker m 0").getYData(), 0);
        assertArrayEquals(new double[] {common.low(), common.high()}, c.getSeriesMap().get("whisker m 1").getYData(),
                0);
        assertTrue(rare.high() - 0.0005 > 2 * (0.0005 - rare.low()), "the interval really is asymmetric: " + rare);
        for (var s : c.getSeriesMap().values()) {
            for (double y : s.getYData()) {
                assertTrue(y >= 0, s.getName() + " reaches below zero: " + y);
            }
        }
        assertArrayEquals(new double[] {0, 1}, c.getSeriesMap().get("m").getXData(), 0);
        assertFalse(c.getSeriesMap().get("whisker m 0").isShowInLegend());
    }

    @Test
    void improvementIsOnALogAxisWithALineAtOne() throws Exception {
        List<Improvement.Row> rows = List.of(
                new Improvement.Row("toy", 0, "conv1", 50, 200, 20, 200, 2.5, Improvement.katz(50, 200, 20, 200, 0.99)),
                new Improvement.Row("toy", 1, "logits", 0, 200, 0, 200, Double.NaN, new Intervals.Interval(0, 0)));
        List<Charts.Drawn> d = Charts.improvement(rows, 0.99, dir);
        assertEquals(1, d.size());
        String svg = Files.readString(d.get(0).svg());
        assertTrue(svg.contains("<svg"), "an SVG was written");
        assertTrue(d.get(0).caption().contains("grey line at 1x"), d.get(0).caption());
    }
}
