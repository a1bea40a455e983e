package org.flipstorm.analysis;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.flipstorm.common.schema.TrialColumn;

/**
 * Everything the study reports about one directory of trials, computed once with one engine, and
 * its rendering as tables, charts and the HTML report.
 *
 * @param source the campaign (or trials) directory analysed
 * @param confidence confidence of every interval
 * @param layers per-layer vulnerability
 * @param improvement baseline vs text-guided per layer (empty without both variants)
 * @param bits SDC rate by format and bit
 * @param accuracy accuracy against confidence
 * @param delta delta-loss quantiles per layer
 * @param margin golden-margin histogram
 * @param activations activation histograms of the profiling pass (empty if none were stored)
 * @param study the study comparison per architecture and variant (empty without a pair)
 * @param deltaEcdf the empirical CDF of delta loss per layer, at every percentile
 */
public record Analysis(Path source, double confidence, List<LayerSummary.Row> layers, List<Improvement.Row> improvement,
                       List<BitSummary.Row> bits, List<AccuracyConfidence.Row> accuracy,
                       List<Distributions.DeltaRow> delta, List<Distributions.MarginBin> margin,
                       List<ActivationHistograms.Bin> activations, List<StudyRatios.Comparison> study,
                       List<Distributions.DeltaRow> deltaEcdf) {

    /** Runs every query over {@code dir} with {@code engine}. */
    public static Analysis of(QueryEngine engine, Path dir, double confidence) {
        Path trials = LayerSummary.trialsDir(dir);
        LayerSummary.requireDirectory(trials);
        return new Analysis(dir, confidence, LayerSummary.compute(engine, trials, confidence),
                Improvement.compute(engine, trials, confidence), BitSummary.compute(engine, trials, confidence),
                AccuracyConfidence.compute(engine, trials, AccuracyConfidence.DEFAULT_THRESHOLDS),
                Distributions.deltaQuantiles(engine, trials), Distributions.marginHistogram(engine, trials),
                ActivationHistograms.compute(engine, dir), study(engine, trials, confidence),
                Distributions.deltaEcdf(engine, trials));
    }

    /** The study comparison (seeded, 2,000 resamples), empty without a pair or with mixed fault settings. */
    private static List<StudyRatios.Comparison> study(QueryEngine engine, Path trials, double confidence) {
        for (TrialColumn column : List.of(TrialColumn.VARIANT, TrialColumn.ARCHITECTURE, TrialColumn.FORMAT,
                TrialColumn.FAULT_MODEL, TrialColumn.TARGET, TrialColumn.RANGE_DETECTOR, TrialColumn.CAMPAIGN_ID,
                TrialColumn.TRIAL_ID)) {
            if (!engine.hasColumn(trials, column.id())) {
                return List.of(); // a hand-made or foreign table without the fault settings: nothing to pair safely
            }
        }
        StudyRatios.Loaded loaded = StudyRatios.load(engine, trials);
        if (!loaded.oneSetting()) {
            return List.of();
        }
        try {
            return StudyRatios.compare(loaded.trials(), confidence, 2000, 1);
        } catch (IllegalArgumentException e) {
            return List.of();
        }
    }

    /** The lines a reader wants first: most critical layers and the improvement headline. */
    public List<String> headlines() {
        List<String> out = new ArrayList<>();
        LayerSummary.mostCritical(layers).values().forEach(c -> out.add(c.sentence()));
        for (StudyRatios.Comparison c : study) {
            out.add(String.format(Locale.ROOT, "%s, %s vs baseline: last layer SDC %s, delta loss %s; pooled SDC %s,"
                    + " delta loss %s", c.architecture(), c.variant(), StudyComparisonMain.ratio(c.lastLayer().sdc()),
                    StudyComparisonMain.ratio(c.lastLayer().loss()), StudyComparisonMain.ratio(c.pooledSdc()), StudyComparisonMain.ratio(c.pooledLoss())));
        }
        Set<String> archs = new LinkedHashSet<>();
        improvement.forEach(r -> archs.add(r.architecture()));
        for (String a : study.isEmpty() ? archs : Set.<String>of()) {
            double[] h = Improvement.headline(improvement, a);
            out.add(String.format(Locale.ROOT, "%s: text guidance improves reliability %.2fx at the last layer and"
                    + " %.2fx overall (mean over layers)", a, h[0], h[1]));
        }
        return out;
    }

    /** Every table, named as its CSV file. */
    public List<Table> tables() {
        String ci = String.format(Locale.ROOT, " (%.0f%% intervals)", confidence * 100);
        List<Table> t = new ArrayList<>();
        Table header = CampaignHeader.table(source);
        if (!header.rows().isEmpty()) {
            t.add(header);
        }
        t.add(new Table("layer_summary", "SDC rate per layer" + ci, List.of("model_id", "layer_index", "layer_name",
                "trials", "sdc", "sdc_rate", "sdc_ci_low", "sdc_ci_high", "non_finite", "non_finite_rate",
                "mean_delta_loss", "sd_delta_loss", "ties", "sdc_or_tie_rate"), layers.stream().map(r -> List.of(
                r.modelId(),
                Integer.toString(r.layerIndex()), r.layerName(), Long.toString(r.trials()), Long.toString(r.sdc()),
                f6(r.sdcRate()), f6(r.sdcInterval().low()), f6(r.sdcInterval().high()), Long.toString(r.nonFinite()),
                f6(r.nonFiniteRate()), f6(r.meanDeltaLoss()), f6(r.sdDeltaLoss()), Long.toString(r.ties()),
                f6(r.sdcOrTieRate()))).toList()));
        if (!study.isEmpty()) {
            t.add(StudyComparisonMain.table(study, confidence));
        }
        if (!improvement.isEmpty()) {
            t.add(improvementTable(improvement, confidence));
        }
        t.add(new Table("sdc_by_bit", "SDC rate by format and bit" + ci, List.of("model_id", "format", "bit", "trials",
                "sdc", "sdc_rate", "sdc_ci_low", "sdc_ci_high", "non_finite"), bits.stream().map(r -> List.of(
                r.modelId(), r.format(), Integer.toString(r.bit()), Long.toString(r.trials()), Long.toString(r.sdc()),
                f6(r.sdcRate()), f6(r.sdcInterval().low()), f6(r.sdcInterval().high()),
                Long.toString(r.nonFinite()))).toList()));
        t.add(new Table("accuracy_confidence", "Accuracy vs golden confidence", List.of("model_id", "threshold",
                "images", "kept", "clean_accuracy", "trials", "faulty_accuracy"), accuracy.stream().map(r -> List.of(
                r.modelId(), String.format(Locale.ROOT, "%.4f", r.threshold()), Long.toString(r.images()),
                f6(r.kept()), f6(r.cleanAccuracy()), Long.toString(r.trials()), f6(r.faultyAccuracy()))).toList()));
        List<String> dq = new ArrayList<>(List.of("model_id", "layer_index", "layer_name", "finite_trials"));
        for (double q : Distributions.DELTA_QUANTILES) {
            dq.add("q" + Math.round(q * 100));
        }
        t.add(new Table("delta_quantiles", "Quantiles of |delta loss| per layer", dq, delta.stream().map(r -> {
            List<String> row = new ArrayList<>(List.of(r.modelId(), Integer.toString(r.layerIndex()), r.layerName(),
                    Long.toString(r.finiteTrials())));
            for (double q : r.quantiles()) {
                row.add(String.format(Locale.ROOT, "%.6g", q));
            }
            return row;
        }).toList()));
        t.add(new Table("top2diff_histogram", "Golden margin (top2diff) per variant", List.of("model_id", "variant",
                "margin_from", "margin_to", "images"), margin.stream().map(b -> List.of(b.modelId(), b.variant(),
                String.format(Locale.ROOT, "%.1f", b.bin() / 10.0), String.format(Locale.ROOT, "%.1f",
                        (b.bin() + 1) / 10.0), Long.toString(b.images()))).toList()));
        if (!activations.isEmpty()) {
            t.add(new Table("activation_ranges", "Clean activation range per layer (profiling pass)",
                    List.of("model_id", "layer_index", "layer_name", "min", "max", "values"),
                    activationRanges()));
        }
        return t;
    }

    /** The per-name improvement table (SDC only; the study comparison table has both ratios). */
    static Table improvementTable(List<Improvement.Row> rows, double confidence) {
        return new Table("improvement_by_name", String.format(Locale.ROOT,
                "Reliability improvement, layers paired by name (baseline SDC / text-guided SDC) (%.0f%% intervals)",
                confidence * 100),
                List.of("architecture", "layer_index", "layer_name", "baseline_sdc", "baseline_trials",
                        "text_guided_sdc", "text_guided_trials", "improvement", "ci_low", "ci_high"),
                rows.stream().map(r -> List.of(r.architecture(), Integer.toString(r.layerIndex()), r.layerName(),
                        Long.toString(r.baselineSdc()), Long.toString(r.baselineTrials()), Long.toString(r.guidedSdc()),
                        Long.toString(r.guidedTrials()), f6(r.ratio()), f6(r.interval().low()),
                        f6(r.interval().high()))).toList());
    }

    private List<List<String>> activationRanges() {
        java.util.Map<String, double[]> ranges = new java.util.LinkedHashMap<>();
        java.util.Map<String, List<String>> ids = new java.util.LinkedHashMap<>();
        for (ActivationHistograms.Bin b : activations) {
            String key = b.modelId() + "\u0000" + b.layerIndex();
            ids.putIfAbsent(key, List.of(b.modelId(), Integer.toString(b.layerIndex()), b.layerName()));
            double[] r = ranges.computeIfAbsent(key, k -> new double[] {Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY, 0});
            r[0] = Math.min(r[0], b.low());
            r[1] = Math.max(r[1], b.high());
            r[2] += b.count();
        }
        List<List<String>> rows = new ArrayList<>();
        ranges.forEach((k, r) -> {
            List<String> row = new ArrayList<>(ids.get(k));
            row.add(String.format(Locale.ROOT, "%.6g", r[0]));
            row.add(String.format(Locale.ROOT, "%.6g", r[1]));
            row.add(Long.toString((long) r[2]));
            rows.add(row);
        });
        return rows;
    }

    /** Draws every chart into {@code dir} (PNG and SVG). */
    public List<Charts.Drawn> charts(Path dir) throws IOException {
        List<Charts.Drawn> c = new ArrayList<>();
        c.addAll(Charts.layerSdc(layers, confidence, dir));
        c.addAll(Charts.pairs(study, confidence, dir));
        c.addAll(Charts.improvement(improvement, confidence, dir));
        c.addAll(Charts.sdcByBit(bits, confidence, dir));
        c.addAll(Charts.accuracyConfidence(accuracy, confidence, dir));
        c.addAll(Charts.deltaCdf(deltaEcdf, dir));
        c.addAll(Charts.margin(margin, dir));
        c.addAll(Charts.activationHistograms(activations, dir));
        return c;
    }

    private static String f6(double v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }
}
