package org.flipstorm.analysis;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.flipstorm.common.cli.Cli;
import org.flipstorm.common.cli.HelpOption;
import org.flipstorm.common.stats.Intervals;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code improvement DIR [--reference VARIANT] [--confidence 0.99] [--resamples 2000] [--seed 1]
 * [--rates wilson|wald] [--csv FILE] [--engine duckdb|spark]}: every other variant under DIR against
 * the reference variant (the baseline unless told otherwise) of its architecture, as {@link
 * StudyRatios} defines it: per paired site and over all paired sites, the SDC ratio (with and
 * without ties) and the delta-loss ratio, with intervals.
 * Refuses a directory whose trials mix number formats, fault models, targets or detectors.
 */
@Command(name = "improvement", sortOptions = false, description = "Every other variant under DIR against"
        + " the baseline (or --reference) of its architecture: per paired site and pooled over all paired sites, the SDC ratio (with"
        + " and without ties) and the delta-loss ratio, with intervals. Refuses trials that mix fault settings.")
public final class StudyComparisonMain implements Callable<Integer> {
    /** How the per-variant SDC rates' intervals are printed. */
    enum Rates {
        /** Wilson score intervals. */
        WILSON,
        /** Normal-approximation (Wald) intervals, the study's error bars. */
        WALD
    }

    @Mixin
    HelpOption help;
    @Mixin
    DirOptions dir;
    @Option(names = "--reference", paramLabel = "VARIANT", defaultValue = StudyRatios.BASELINE,
            description = "The variant every other is compared with, e.g. cosine_random to ask what the text adds to"
                    + " a cosine head (default: ${DEFAULT-VALUE}).")
    String reference;
    @Option(names = "--resamples", paramLabel = "N", defaultValue = "2000",
            description = "Bootstrap resamples of the delta-loss ratio (default: ${DEFAULT-VALUE}).")
    int resamples;
    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
            description = "Seed of the bootstrap (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--rates", paramLabel = "KIND", defaultValue = "wilson",
            description = "Intervals of the printed SDC rates: wilson or wald (the study's error bars) (default:"
                    + " ${DEFAULT-VALUE}).")
    Rates rates;
    private final PrintStream out;

    /** The command on standard output. */
    public StudyComparisonMain() {
        this(System.out);
    }

    private StudyComparisonMain(PrintStream out) {
        this.out = out;
    }

    /** Entry point. */
    public static void main(String[] argv) {
        Cli.main(new StudyComparisonMain(), argv);
    }

    /** Runs the command and returns its exit status. */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        return Cli.execute(new StudyComparisonMain(out), argv, out, err);
    }

    @Override
    public Integer call() throws IOException {
        Path trials = LayerSummary.trialsDir(dir.dir);
        LayerSummary.requireDirectory(trials);
        StudyRatios.Loaded loaded;
        String partial = CommittedData.select(trials, dir.allowPartial).partialLabel();
        if (!partial.isEmpty()) {
            out.println(partial);
        }
        try (QueryEngine engine = dir.openEngine()) {
            loaded = StudyRatios.load(engine, trials);
        }
        List<StudyRatios.Trial> rows = loaded.trials();
        Set<String> settings = loaded.settings();
        if (!loaded.oneSetting()) {
            throw new IllegalArgumentException("the trials under " + trials + " mix fault settings " + settings
                    + "; compare campaigns of one setting (format/fault model/target/detector) at a time");
        }
        double confidence = dir.confidence;
        List<StudyRatios.Comparison> cs = StudyRatios.compare(rows, reference, confidence, resamples, seed);
        if (cs.isEmpty()) {
            Set<String> found = new TreeSet<>();
            rows.forEach(t -> found.add(t.architecture() + ":" + t.variant()));
            throw new IllegalArgumentException("no architecture under " + trials + " has the reference variant '"
                    + reference + "' and another variant; found (architecture:variant) " + found);
        }
        String setting = settings.isEmpty() ? "-" : settings.iterator().next();
        for (StudyRatios.Comparison c : cs) {
            print(c, setting, confidence);
        }
        Path target = dir.csv != null ? dir.csv : dir.dir.resolve("improvement.csv");
        table(cs, confidence).writeCsv(target);
        out.println("wrote " + target);
        return Cli.OK;
    }

    private void print(StudyRatios.Comparison c, String setting, double confidence) {
        out.printf(Locale.ROOT, "%s: %s vs %s (%s), %.0f%% intervals (rates %s, ratios Katz, delta loss"
                + " bootstrap %d resamples, seed %d)%n", c.architecture(), c.variant(), c.reference(), setting, confidence * 100,
                rates.name().toLowerCase(Locale.ROOT), resamples, seed);
        out.printf(Locale.ROOT, "%-14s %7s %-24s %7s %-24s %6s %-18s %-18s %8s %8s %-18s%n", "site", "base n",
                "base SDC [CI]", "var n", "variant SDC [CI]", "ties", "SDC ratio", "with ties", "base dL", "var dL",
                "dL ratio");
        for (StudyRatios.SiteRatio s : c.sites()) {
            out.printf(Locale.ROOT, "%-14s %7d %-24s %7d %-24s %6d %-18s %-18s %8.4f %8.4f %-18s%n",
                    s.site().equals(s.variantLayer()) ? s.site() : s.site() + "/" + s.variantLayer(),
                    s.baseline()[0], rate(s.baseline()[1], s.baseline()[0], confidence, rates), s.other()[0],
                    rate(s.other()[1], s.other()[0], confidence, rates), s.baseline()[2] + s.other()[2],
                    ratio(s.sdc()), ratio(s.sdcWithTies()), s.baselineLoss(), s.otherLoss(), ratio(s.loss()));
        }
        StudyRatios.SiteRatio l = c.lastLayer();
        out.printf(Locale.ROOT, "last layer (%s): SDC %s, with ties %s, delta loss %s%n", l.site(), ratio(l.sdc()),
                ratio(l.sdcWithTies()), ratio(l.loss()));
        out.printf(Locale.ROOT, "overall, pooled over %d sites: SDC %s, with ties %s, delta loss %s%n",
                c.sites().size(), ratio(c.pooledSdc()), ratio(c.pooledSdcWithTies()), ratio(c.pooledLoss()));
        out.printf(Locale.ROOT, "overall, mean of per-site ratios: SDC %.2fx%s, delta loss %.2fx%n", c.meanSdcRatio(),
                c.undefinedSdc().isEmpty() ? "" : " (undefined, left out: " + String.join(", ", c.undefinedSdc()) + ")",
                c.meanLossRatio());
        if (!c.unpaired().isEmpty()) {
            out.println("unpaired layers: " + String.join(", ", c.unpaired()));
        }
        out.println();
    }

    private static String rate(long k, long n, double confidence, Rates rates) {
        Intervals.Interval ci = rates == Rates.WALD ? StudyRatios.wald(k, n, confidence)
                : Intervals.wilson(k, n, confidence);
        return String.format(Locale.ROOT, "%.4f [%.4f, %.4f]", k / (double) n, ci.low(), ci.high());
    }

    /** A ratio as {@code 1.23x [1.01, 1.50]}, or {@code undefined}. */
    static String ratio(StudyRatios.Ratio r) {
        return r.defined() ? String.format(Locale.ROOT, "%.2fx [%.2f, %.2f]", r.value(), r.low(), r.high())
                : "undefined";
    }

    /** Every figure as one CSV: a row per site, then the pooled and mean-of-ratios rows. */
    static Table table(List<StudyRatios.Comparison> cs, double confidence) {
        List<List<String>> rows = new ArrayList<>();
        for (StudyRatios.Comparison c : cs) {
            for (StudyRatios.SiteRatio s : c.sites()) {
                List<String> r = new ArrayList<>(List.of(c.architecture(), c.variant(), s.site(), s.variantLayer(),
                        Long.toString(s.baseline()[0]), Long.toString(s.baseline()[1]), Long.toString(s.baseline()[2]),
                        Long.toString(s.other()[0]), Long.toString(s.other()[1]), Long.toString(s.other()[2]),
                        f(s.baselineLoss()), f(s.otherLoss())));
                addRatios(r, s.sdc(), s.sdcWithTies(), s.loss());
                r.add(c.reference());
                rows.add(r);
            }
            List<String> pooled = new ArrayList<>(List.of(c.architecture(), c.variant(), "overall_pooled", "", "", "",
                    "", "", "", "", "", ""));
            addRatios(pooled, c.pooledSdc(), c.pooledSdcWithTies(), c.pooledLoss());
            pooled.add(c.reference());
            rows.add(pooled);
            List<String> mean = new ArrayList<>(List.of(c.architecture(), c.variant(), "overall_mean_of_ratios",
                    String.join(";", c.undefinedSdc()), "", "", "", "", "", "", "", ""));
            mean.addAll(List.of(f(c.meanSdcRatio()), "", "", "", "", "", f(c.meanLossRatio()), "", "",
                    c.reference()));
            rows.add(mean);
        }
        return new Table("study_comparison", String.format(Locale.ROOT,
                "Reference (baseline_* columns; the baseline unless told otherwise) vs variant: SDC and delta-loss"
                + " ratios (%.0f%% intervals)", confidence * 100),
                List.of("architecture", "variant", "site", "variant_layer", "baseline_trials", "baseline_sdc",
                        "baseline_ties", "variant_trials", "variant_sdc", "variant_ties", "baseline_mean_delta_loss",
                        "variant_mean_delta_loss", "sdc_ratio", "sdc_ratio_low", "sdc_ratio_high",
                        "sdc_tie_ratio", "sdc_tie_ratio_low", "sdc_tie_ratio_high", "delta_loss_ratio",
                        "delta_loss_ratio_low", "delta_loss_ratio_high", "reference"), rows);
    }

    private static void addRatios(List<String> row, StudyRatios.Ratio... rs) {
        for (StudyRatios.Ratio r : rs) {
            row.add(f(r.value()));
            row.add(f(r.low()));
            row.add(f(r.high()));
        }
    }

    private static String f(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6f", v);
    }
}
