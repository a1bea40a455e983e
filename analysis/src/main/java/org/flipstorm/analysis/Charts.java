package org.flipstorm.analysis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.flipstorm.common.stats.Intervals;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The study's figures drawn with XChart, each saved as PNG and SVG: SDC rate per layer (one chart
 * per model) and reliability improvement per layer (one per architecture, log axis, a line at 1x),
 * both with the exact interval bounds as whiskers, SDC rate by bit (log axis, whiskers), accuracy
 * against confidence, the delta-loss CDF per layer, the golden-margin histogram and the
 * activation-range histograms of a profile.
 */
public final class Charts {
    /** Pixel size of every chart. */
    public static final int WIDTH = 900;
    /** Pixel height of every chart. */
    public static final int HEIGHT = 480;

    private Charts() {}

    /**
     * One drawn chart.
     *
     * @param name file stem, e.g. {@code layer_sdc-lenet-fmnist-baseline}
     * @param title title shown above it
     * @param caption how to read it
     * @param png the PNG file
     * @param svg the SVG file
     */
    public record Drawn(String name, String title, String caption, Path png, Path svg) {}

    /**
     * An estimate with its interval, drawn as a point with a whisker from {@code low} to
     * {@code high}: the exact bounds, which need not be symmetric around the point.
     */
    record Estimate(double value, double low, double high) {}

    /** SDC rate per layer, one chart per model; whiskers are the exact Wilson bounds. */
    public static List<Drawn> layerSdc(List<LayerSummary.Row> rows, double confidence, Path dir) throws IOException {
        List<Drawn> out = new ArrayList<>();
        for (Map.Entry<String, List<LayerSummary.Row>> e : groupBy(rows, LayerSummary.Row::modelId).entrySet()) {
            List<LayerSummary.Row> r = e.getValue();
            XYChart c = intervals("SDC rate per layer: " + e.getKey(), "layer", "SDC rate",
                    r.stream().map(LayerSummary.Row::layerName).toList(), Map.of(e.getKey(), r.stream().map(x ->
                            new Estimate(x.sdcRate(), x.sdcInterval().low(), x.sdcInterval().high())).toList()));
            c.getStyler().setLegendVisible(false);
            out.add(save(c, "layer_sdc-" + e.getKey(), "SDC rate per layer: " + e.getKey(), String.format(Locale.ROOT,
                    "Points: fraction of trials whose top-1 class changed. Whiskers: the %.0f%% Wilson interval,"
                            + " its exact bounds.", confidence * 100), dir));
        }
        return out;
    }

    /** Baseline / text-guided SDC ratio per layer, one chart per architecture, on a log axis with a line at 1x. */
    public static List<Drawn> improvement(List<Improvement.Row> rows, double confidence, Path dir) throws IOException {
        List<Drawn> out = new ArrayList<>();
        for (Map.Entry<String, List<Improvement.Row>> e : groupBy(rows, Improvement.Row::architecture).entrySet()) {
            List<Improvement.Row> r = e.getValue().stream().filter(x -> Double.isFinite(x.ratio()) && x.ratio() > 0
                    && x.interval().low() > 0 && Double.isFinite(x.interval().high())).toList();
            if (r.isEmpty()) {
                continue;
            }
            XYChart c = intervals("Reliability improvement: " + e.getKey(), "layer",
                    "baseline SDC / text-guided SDC (log scale)", r.stream().map(Improvement.Row::layerName).toList(),
                    Map.of("improvement", r.stream().map(x -> new Estimate(x.ratio(), x.interval().low(),
                            x.interval().high())).toList()));
            c.getStyler().setYAxisLogarithmic(true);
            XYSeries one = c.addSeries("1x (no difference)", List.of(0.0, r.size() - 1.0), List.of(1.0, 1.0));
            one.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            one.setMarker(SeriesMarkers.NONE);
            one.setLineColor(java.awt.Color.GRAY);
            one.setLineStyle(org.knowm.xchart.style.lines.SeriesLines.SOLID);
            c.getStyler().setLegendVisible(false);
            out.add(save(c, "improvement-" + e.getKey(), "Reliability improvement per layer: " + e.getKey(),
                    String.format(Locale.ROOT, "Above the grey line at 1x: the text-guided model is more resilient at"
                            + " that layer. Whiskers: the %.0f%% Katz interval, its exact bounds; layers with a"
                            + " ratio of 0 or no SDC on either side are in the table only.", confidence * 100), dir));
        }
        return out;
    }

    /**
     * The study's side-by-side figures for each baseline/variant pair: SDC rate per paired site,
     * baseline next to variant with Wilson whiskers, and mean delta loss per site on a log axis.
     */
    public static List<Drawn> pairs(List<StudyRatios.Comparison> comparisons, double confidence, Path dir)
            throws IOException {
        List<Drawn> out = new ArrayList<>();
        for (StudyRatios.Comparison c : comparisons) {
            List<StudyRatios.SiteRatio> sites = c.sites();
            if (sites.isEmpty()) {
                continue;
            }
            List<String> names = sites.stream().map(StudyRatios.SiteRatio::site).toList();
            Map<String, List<Estimate>> sdc = new LinkedHashMap<>();
            sdc.put("baseline", sites.stream().map(x -> rate(x.baseline(), confidence)).toList());
            sdc.put(c.variant(), sites.stream().map(x -> rate(x.other(), confidence)).toList());
            XYChart rates = intervals("SDC rate per site: " + c.architecture() + ", baseline and " + c.variant(),
                    "site (index; names below)", "SDC rate", names, sdc);
            rates.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
            String stem = c.architecture() + "-" + c.variant();
            out.add(save(rates, "pair_sdc-" + stem, "SDC rate per site, baseline next to " + c.variant() + ": "
                    + c.architecture(), String.format(Locale.ROOT, "Ties not counted as SDCs, as in the study comparison's SDC ratio;"
                    + " whiskers: the %.0f%% Wilson interval, its exact bounds. Sites: %s.", confidence * 100,
                    siteKey(names)), dir));
            XYChart loss = xy("Mean delta loss per site: " + c.architecture() + ", baseline and " + c.variant(),
                    "site (index; names below)", "mean |delta loss| (log scale)");
            loss.getStyler().setYAxisLogarithmic(true);
            List<Double> x = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                x.add((double) i);
            }
            loss.addSeries("baseline", x, sites.stream().map(s -> Math.max(1e-9, finiteOr(s.baselineLoss(), 1e-9)))
                    .toList()).setMarker(SeriesMarkers.CIRCLE);
            loss.addSeries(c.variant(), x, sites.stream().map(s -> Math.max(1e-9, finiteOr(s.otherLoss(), 1e-9)))
                    .toList()).setMarker(SeriesMarkers.DIAMOND);
            out.add(save(loss, "pair_loss-" + stem, "Mean delta loss per site, baseline and " + c.variant() + ": "
                    + c.architecture(), "Mean |delta loss| over each site's trials with a finite loss; the ratio"
                    + " with its bootstrap interval is in study_comparison.csv. Sites: " + siteKey(names) + ".", dir));
        }
        return out;
    }

    /** "0 conv1, 1 conv2, ...": the key of a chart whose x axis is a site index. */
    private static String siteKey(List<String> names) {
        List<String> key = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            key.add(i + " " + names.get(i));
        }
        return String.join(", ", key);
    }

    private static Estimate rate(long[] counts, double confidence) {
        long trials = counts[0];
        long sdc = counts[1];
        if (trials <= 0) {
            return new Estimate(0, 0, 0);
        }
        Intervals.Interval ci = Intervals.wilson(sdc, trials, confidence);
        return new Estimate(sdc / (double) trials, ci.low(), ci.high());
    }

    /** SDC rate against bit position with Wilson whiskers, one series per model and format, log scale. */
    public static List<Drawn> sdcByBit(List<BitSummary.Row> rows, double confidence, Path dir) throws IOException {
        if (rows.isEmpty()) {
            return List.of();
        }
        XYChart c = xy("SDC rate by bit position", "bit", "SDC rate (log scale; 0 drawn at 1e-5)");
        c.getStyler().setYAxisLogarithmic(true);
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        int k = 0;
        for (Map.Entry<String, List<BitSummary.Row>> e
                : groupBy(rows, r -> r.modelId() + " " + r.format()).entrySet()) {
            java.awt.Color color = c.getStyler().getSeriesColors()[k++ % c.getStyler().getSeriesColors().length];
            XYSeries s = c.addSeries(e.getKey(), e.getValue().stream().map(r -> (double) r.bit()).toList(),
                    e.getValue().stream().map(r -> Math.max(FLOOR, r.sdcRate())).toList());
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setLineColor(color);
            s.setMarkerColor(color);
            for (BitSummary.Row r : e.getValue()) {
                whisker(c, e.getKey() + " bit " + r.bit(), r.bit(), Math.max(FLOOR, r.sdcInterval().low()),
                        Math.max(FLOOR, r.sdcInterval().high()), color);
            }
        }
        return List.of(save(c, "sdc_by_bit", "SDC rate by bit position", String.format(Locale.ROOT,
                "Per model and number format; bit 0 is the least significant. Whiskers: the %.0f%% Wilson"
                        + " interval; rates of 0 (and lower bounds of 0) are drawn at 1e-5.", confidence * 100), dir));
    }

    /** Where a log axis draws a 0. */
    private static final double FLOOR = 1e-5;

    /**
     * Points with exact whiskers at categories 0..n-1, one point series per entry of
     * {@code series}, side by side within a category; the x axis names the categories.
     */
    static XYChart intervals(String title, String xTitle, String yTitle, List<String> categories,
                                     Map<String, List<Estimate>> series) {
        XYChart c = xy(title, xTitle, yTitle);
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        if (series.size() == 1) {
            c.setCustomXAxisTickLabelsFormatter(x -> {
                long i = Math.round(x);
                return Math.abs(x - i) < 1e-6 && i >= 0 && i < categories.size() ? categories.get((int) i) : "";
            });
        }
        int k = 0;
        for (Map.Entry<String, List<Estimate>> e : series.entrySet()) {
            double offset = series.size() == 1 ? 0 : (k - (series.size() - 1) / 2.0) * 0.3 / (series.size() - 1);
            java.awt.Color color = c.getStyler().getSeriesColors()[k % c.getStyler().getSeriesColors().length];
            List<Double> x = new ArrayList<>();
            for (int i = 0; i < e.getValue().size(); i++) {
                x.add(i + offset);
            }
            XYSeries points = c.addSeries(e.getKey(), x, e.getValue().stream().map(Estimate::value).toList());
            points.setMarker(SeriesMarkers.CIRCLE);
            points.setMarkerColor(color);
            for (int i = 0; i < e.getValue().size(); i++) {
                Estimate est = e.getValue().get(i);
                whisker(c, e.getKey() + " " + i, i + offset, est.low(), est.high(), color);
            }
            k++;
        }
        return c;
    }

    /** A vertical line from {@code low} to {@code high} at {@code x}, kept out of the legend. */
    private static void whisker(XYChart c, String name, double x, double low, double high, java.awt.Color color) {
        XYSeries w = c.addSeries("whisker " + name, List.of(x, x), List.of(low, high));
        w.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        w.setMarker(SeriesMarkers.NONE);
        w.setLineColor(color);
        w.setLineStyle(org.knowm.xchart.style.lines.SeriesLines.SOLID);
        w.setShowInLegend(false);
    }

    /**
     * Clean and faulty accuracy against the confidence threshold and against the fraction kept;
     * the faulty accuracy carries the Wilson interval of its trials.
     */
    public static List<Drawn> accuracyConfidence(List<AccuracyConfidence.Row> rows, double confidence, Path dir)
            throws IOException {
        if (rows.isEmpty()) {
            return List.of();
        }
        XYChart byT = xy("Accuracy vs confidence threshold", "golden confidence threshold t", "accuracy");
        XYChart byKept = xy("Accuracy vs fraction of images kept", "fraction of images kept", "accuracy");
        int k = 0;
        for (Map.Entry<String, List<AccuracyConfidence.Row>> e
                : groupBy(rows, AccuracyConfidence.Row::modelId).entrySet()) {
            java.awt.Color color = byT.getStyler().getSeriesColors()[k++ % byT.getStyler().getSeriesColors().length];
            List<AccuracyConfidence.Row> r = e.getValue();
            List<Double> t = r.stream().map(AccuracyConfidence.Row::threshold).toList();
            List<Double> kept = r.stream().map(AccuracyConfidence.Row::kept).toList();
            List<Double> clean = r.stream().map(AccuracyConfidence.Row::cleanAccuracy).toList();
            List<Double> faulty = r.stream().map(x -> finiteOr(x.faultyAccuracy(), 0)).toList();
            for (XYChart c : List.of(byT, byKept)) {
                List<Double> x = c == byT ? t : kept;
                XYSeries cs = c.addSeries(e.getKey() + " clean", x, clean);
                cs.setMarker(SeriesMarkers.CIRCLE);
                cs.setLineColor(color);
                cs.setMarkerColor(color);
                cs.setLineStyle(org.knowm.xchart.style.lines.SeriesLines.DASH_DASH);
                XYSeries fs = c.addSeries(e.getKey() + " faults", x, faulty);
                fs.setMarker(SeriesMarkers.DIAMOND);
                fs.setLineColor(color);
                fs.setMarkerColor(color);
                for (int i = 0; i < r.size(); i++) {
                    AccuracyConfidence.Row row = r.get(i);
                    if (row.trials() > 0 && Double.isFinite(row.faultyAccuracy())) {
                        long right = Math.round(row.faultyAccuracy() * row.trials());
                        Intervals.Interval ci = Intervals.wilson(right, row.trials(), confidence);
                        whisker(c, e.getKey() + " " + i, x.get(i), ci.low(), ci.high(), color);
                    }
                }
            }
        }
        String who = "Only the images the campaign drew its trials from are here: with the default"
                + " sampling.eligible = correct every one is classified correctly, so the clean line sits at 1.";
        return List.of(
                save(byT, "accuracy_confidence", "Accuracy vs confidence threshold", String.format(Locale.ROOT,
                        "Images whose clean (golden) confidence is at least t: their clean accuracy (dashed), and the"
                                + " accuracy of the faulty predictions of the trials on them, with the %.0f%% Wilson"
                                + " interval. %s", confidence * 100, who), dir),
                save(byKept, "accuracy_kept", "Accuracy vs fraction of images kept",
                        "The same points against the share of images that pass the threshold. " + who, dir));
    }

    /** The empirical CDF of |delta loss| per layer (one chart per model), from every percentile of the rows. */
    public static List<Drawn> deltaCdf(List<Distributions.DeltaRow> rows, Path dir) throws IOException {
        List<Drawn> out = new ArrayList<>();
        for (Map.Entry<String, List<Distributions.DeltaRow>> e
                : groupBy(rows, Distributions.DeltaRow::modelId).entrySet()) {
            XYChart c = xy("Delta-loss CDF per layer: " + e.getKey(), "|delta loss| (log scale, floor 1e-6)",
                    "fraction of trials with at most this |delta loss|");
            c.getStyler().setXAxisLogarithmic(true);
            c.getStyler().setYAxisMin(0.0).setYAxisMax(1.0).setYAxisDecimalPattern("0.0");
            c.getStyler().setYAxisTickMarkSpacingHint(60);
            for (Distributions.DeltaRow r : e.getValue()) {
                double[] q = r.quantiles();
                List<Double> x = new ArrayList<>();
                List<Double> y = new ArrayList<>();
                for (int i = 0; i < q.length; i++) {
                    double v = Math.max(1e-6, finiteOr(Math.abs(q[i]), 1e-6));
                    double p = q.length == 1 ? 1 : i / (double) (q.length - 1);
                    if (i > 0) { // a step: the CDF holds its level until the next value
                        x.add(v);
                        y.add(y.get(y.size() - 1));
                    }
                    x.add(v);
                    y.add(p);
                }
                c.addSeries(r.layerName() + " (" + r.finiteTrials() + ")", x, y).setMarker(SeriesMarkers.NONE);
            }
            out.add(save(c, "delta_cdf-" + e.getKey(), "Delta-loss CDF per layer: " + e.getKey(),
                    "Empirical CDF of |delta loss| over each layer's trials with a finite loss (finite trials in"
                            + " brackets), at every percentile: further right means faults at that layer move the"
                            + " loss more; values below 1e-6 (masked faults) are drawn at 1e-6.", dir));
        }
        return out;
    }

    /** Golden margin (top2diff) histogram, one bar series per model. */
    public static List<Drawn> margin(List<Distributions.MarginBin> bins, Path dir) throws IOException {
        if (bins.isEmpty()) {
            return List.of();
        }
        CategoryChart c = category("Golden margin (top2diff) per model", "p1 - p2 of the clean run", "images");
        List<String> labels = new ArrayList<>();
        for (int b = 0; b < 10; b++) {
            labels.add(String.format(Locale.ROOT, "%.1f-%.1f", b / 10.0, (b + 1) / 10.0));
        }
        for (Map.Entry<String, List<Distributions.MarginBin>> e
                : groupBy(bins, b -> b.modelId() + " (" + b.variant() + ")").entrySet()) {
            double[] counts = new double[10];
            e.getValue().forEach(b -> counts[b.bin()] += b.images());
            c.addSeries(e.getKey(), labels, java.util.Arrays.stream(counts).boxed().toList());
        }
        return List.of(save(c, "top2diff", "Golden margin per model",
                "One count per image: the gap between the two highest clean softmax outputs.", dir));
    }

    /**
     * The largest |activation| of every layer (from the profile's histogram edges), one line per
     * model on a log axis: the study's attenuation figure when a baseline and a text-guided model
     * of one architecture are in the same report.
     */
    public static List<Drawn> activationHistograms(List<ActivationHistograms.Bin> bins, Path dir) throws IOException {
        if (bins.isEmpty()) {
            return List.of();
        }
        XYChart c = xy("Largest |activation| per layer", "layer index", "max |activation| (log scale)");
        c.getStyler().setYAxisLogarithmic(true);
        for (Map.Entry<String, List<ActivationHistograms.Bin>> e
                : groupBy(bins, ActivationHistograms.Bin::modelId).entrySet()) {
            Map<Integer, Double> max = new java.util.TreeMap<>();
            for (ActivationHistograms.Bin b : e.getValue()) {
                if (b.count() > 0) {
                    max.merge(b.layerIndex(), Math.max(Math.abs(b.low()), Math.abs(b.high())), Math::max);
                }
            }
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            max.forEach((layer, v) -> {
                if (v > 0) {
                    x.add((double) layer);
                    y.add(v);
                }
            });
            if (!x.isEmpty()) {
                c.addSeries(e.getKey(), x, y).setMarker(SeriesMarkers.CIRCLE);
            }
        }
        return List.of(save(c, "activation_max", "Largest |activation| per layer",
                "From the clean profiling pass (the first images of each campaign): the outer edge of each layer's"
                        + " histogram. Lower late-layer values are what the study calls attenuation.", dir));
    }

    /**
     * The largest |activation| of every layer of each model, from the model cards: x is the
     * position of the layer in {@code layers} (the union of the models' layers, shared trunk first),
     * y on a log axis; a model lacks the points of layers it does not have.
     */
    static Drawn profiles(List<ActivationProfiles.Profile> profiles, List<String> layers, Path dir)
            throws IOException {
        return save(profilesChart(profiles, layers), "activation_profile", "Largest |activation| per layer",
                "From each model card's profile (every layer's own output over clean training images; layer"
                        + " positions as in activation_profile.csv). Lower late-layer values are what the study"
                        + " calls attenuation.", dir);
    }

    /** The chart of {@link #profiles}, not yet saved. */
    static XYChart profilesChart(List<ActivationProfiles.Profile> profiles, List<String> layers) {
        XYChart c = xy("Largest |activation| per layer", "layer (position in the network)",
                "max |activation| (log scale)");
        c.getStyler().setYAxisLogarithmic(true);
        for (ActivationProfiles.Profile p : profiles) {
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (int i = 0; i < layers.size(); i++) {
                Double v = p.maxAbs().get(layers.get(i));
                if (v != null && v > 0 && Double.isFinite(v)) {
                    x.add((double) i);
                    y.add(v);
                }
            }
            if (!x.isEmpty()) {
                c.addSeries(p.modelId(), x, y).setMarker(SeriesMarkers.CIRCLE);
            }
        }
        return c;
    }

    private static CategoryChart category(String title, String x, String y) {
        CategoryChart c = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(x)
                .yAxisTitle(y).build();
        c.getStyler().setXAxisLabelRotation(45);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        c.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        c.getStyler().setErrorBarsColor(java.awt.Color.DARK_GRAY);
        return c;
    }

    private static XYChart xy(String title, String x, String y) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(x).yAxisTitle(y).build();
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        c.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        return c;
    }

    private static Drawn save(Chart<?, ?> chart, String name, String title, String caption, Path dir)
            throws IOException {
        Files.createDirectories(dir);
        String stem = name.replaceAll("[^A-Za-z0-9._-]", "_");
        Path png = dir.resolve(stem + ".png");
        Path svg = dir.resolve(stem + ".svg");
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
        VectorGraphicsEncoder.saveVectorGraphic(chart, svg.toString(), VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        return new Drawn(stem, title, caption, png, svg);
    }

    private static <T> Map<String, List<T>> groupBy(List<T> rows, Function<T, String> key) {
        Map<String, List<T>> out = new LinkedHashMap<>();
        for (T r : rows) {
            out.computeIfAbsent(key.apply(r), k -> new ArrayList<>()).add(r);
        }
        return out;
    }

    private static double finiteOr(double v, double dflt) {
        return Double.isFinite(v) ? v : dflt;
    }
}
