package org.flipstorm.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.flipstorm.common.schema.TrialColumn;
import org.flipstorm.common.stats.Intervals;

/**
 * The study's comparison, both of its candidate metrics: for each model variant against the
 * baseline of the same architecture, per paired fault site and over all paired sites,
 * <ul>
 *   <li>the SDC (mismatch) ratio, baseline rate / variant rate, with a Katz interval; ties are
 *       not SDCs, and the same ratio with ties counted as SDCs is given beside it;
 *   <li>the delta-loss ratio, mean |CE(golden) - CE(faulty)| of the baseline / of the variant,
 *       trials with a NaN loss dropped (as GoldenEye does), with a seeded percentile bootstrap
 *       interval.
 * </ul>
 * "Overall" comes in two forms: pooled (the mean over sites of each variant's per-site rate or
 * mean loss, so that the figure does not depend on how many trials each site got, then the ratio;
 * bootstrap interval, resampling within each site) and the mean of the per-site ratios, with the
 * sites whose ratio is undefined listed.
 *
 * <p>Sites pair by layer name, except that a cosine-headed variant's pre-scale {@code cosine}
 * pairs with the baseline's {@code logits}: both are the value GoldenEye's hook on the last
 * linear module sees. Such a variant's own {@code logits} (after the scale) stays unpaired.
 *
 * <p>The reference is the baseline unless told otherwise: against {@code cosine_random} (a cosine
 * head with random rows), {@code text_guided} measures what the text adds to the head, and
 * {@code cosine} pairs with {@code cosine}.
 */
public final class StudyRatios {
    /** The detector of trial schema 1, which has only the boolean range_detector (true meant clamp). */
    static final String LEGACY_DETECTOR = "CASE WHEN range_detector THEN 'clamp' ELSE 'none' END";

    /** Variant name of the baseline head in trial rows. */
    public static final String BASELINE = Improvement.BASELINE;
    /** The pre-scale layer of a cosine head. */
    static final String COSINE = "cosine";
    /** The last layer of every zoo model. */
    static final String LOGITS = "logits";

    private StudyRatios() {}

    /**
     * The trials under a directory and the fault settings they were run with.
     *
     * @param trials one per trial row
     * @param settings distinct format/fault model/target/detector combinations
     */
    public record Loaded(List<Trial> trials, Set<String> settings) {
        /** True when every trial shares one fault setting (so ratios between them mean something). */
        public boolean oneSetting() {
            return settings.size() <= 1;
        }
    }

    /** Reads the trials under {@code trials} (any trial schema version) with {@code engine}. */
    public static Loaded load(QueryEngine engine, java.nio.file.Path trials) {
        List<Trial> rows = new ArrayList<>();
        Set<String> settings = new TreeSet<>();
        String detector = engine.hasColumn(trials, TrialColumn.RANGE_DETECTOR_MODE.id())
                ? "coalesce(" + TrialColumn.RANGE_DETECTOR_MODE.id() + ", " + LEGACY_DETECTOR + ")" : LEGACY_DETECTOR;
        engine.query(trials, "trial_outcomes.sql", Map.of("detector", detector), r -> {
            settings.add(r.getString("format") + "/" + r.getString("fault_model") + "/" + r.getString("target")
                    + "/detector=" + r.getString("detector"));
            rows.add(new Trial(r.getString("architecture"), r.getString("variant"), r.getString("model_id"),
                    r.getInt("layer_index"), r.getString("layer_name"), r.getString("outcome"),
                    r.getDouble("delta_loss")));
            return null;
        });
        return new Loaded(rows, settings);
    }

    /** One trial as the comparison needs it. */
    public record Trial(String architecture, String variant, String modelId, int layerIndex, String layerName,
                        String outcome, double deltaLoss) {}

    /** Trials of one variant at one site. */
    static final class Site {
        final String layerName;
        final int layerIndex;
        long trials;
        long sdc;
        long ties;
        double[] losses = new double[16];
        int lossCount;

        Site(String layerName, int layerIndex) {
            this.layerName = layerName;
            this.layerIndex = layerIndex;
        }

        void add(Trial t) {
            trials++;
            if (t.outcome().equals("sdc")) {
                sdc++;
            } else if (t.outcome().equals("tie")) {
                ties++;
            }
            if (!Double.isNaN(t.deltaLoss())) {
                if (lossCount == losses.length) {
                    losses = Arrays.copyOf(losses, lossCount * 2);
                }
                losses[lossCount++] = t.deltaLoss();
            }
        }

        double rate(boolean withTies) {
            return (sdc + (withTies ? ties : 0)) / (double) trials;
        }

        double meanLoss() {
            double s = 0;
            for (int i = 0; i < lossCount; i++) {
                s += losses[i];
            }
            return lossCount == 0 ? Double.NaN : s / lossCount;
        }
    }

    /**
     * A ratio with its interval; {@code value} is NaN (and {@code reason} says why) when undefined.
     *
     * @param value baseline / variant
     * @param low lower bound
     * @param high upper bound
     * @param reason why the ratio is undefined, or null
     */
    public record Ratio(double value, double low, double high, String reason) {
        static Ratio undefined(String reason) {
            return new Ratio(Double.NaN, Double.NaN, Double.NaN, reason);
        }

        /** True when the ratio has a value. */
        public boolean defined() {
            return reason == null;
        }
    }

    /**
     * One paired site.
     *
     * @param site the pair's name (the baseline's layer name)
     * @param baselineLayer baseline layer name
     * @param variantLayer the variant's layer name
     * @param baselineIndex baseline layer index (orders the sites)
     * @param baseline baseline counts: trials, sdc, ties, non-NaN losses
     * @param other the variant's counts, same order
     * @param baselineRate baseline SDC rate (ties excluded)
     * @param otherRate variant SDC rate (ties excluded)
     * @param baselineLoss baseline mean delta loss
     * @param otherLoss variant mean delta loss
     * @param sdc SDC ratio, ties excluded, Katz interval
     * @param sdcWithTies SDC ratio with ties counted as SDCs, Katz interval
     * @param loss delta-loss ratio, bootstrap interval
     */
    public record SiteRatio(String site, String baselineLayer, String variantLayer, int baselineIndex, long[] baseline,
                            long[] other, double baselineRate, double otherRate, double baselineLoss,
                            double otherLoss, Ratio sdc, Ratio sdcWithTies, Ratio loss) {}

    /**
     * One variant against a reference variant of its architecture (the baseline unless told otherwise).
     *
     * @param architecture the architecture
     * @param variant the variant (e.g. {@code text_guided}, {@code cosine_random})
     * @param reference the variant it is compared with (the "baseline" side of every figure)
     * @param sites paired sites in the reference's layer order
     * @param lastLayer the reference's last linear output ({@code cosine} of a cosine head, else
     *     {@code logits}: the study's "last layer"), or the last site
     * @param pooledSdc pooled SDC ratio (ties excluded), bootstrap interval
     * @param pooledSdcWithTies pooled SDC ratio with ties as SDCs, bootstrap interval
     * @param pooledLoss pooled delta-loss ratio, bootstrap interval
     * @param meanSdcRatio mean of the defined per-site SDC ratios
     * @param meanLossRatio mean of the defined per-site delta-loss ratios
     * @param undefinedSdc sites whose SDC ratio is undefined, with the reason
     * @param unpaired layers of either side that have no partner
     */
    public record Comparison(String architecture, String variant, String reference, List<SiteRatio> sites,
                             SiteRatio lastLayer,
                             Ratio pooledSdc, Ratio pooledSdcWithTies, Ratio pooledLoss, double meanSdcRatio,
                             double meanLossRatio, List<String> undefinedSdc, List<String> unpaired) {}

    /**
     * Compares every non-baseline variant with the baseline of its architecture.
     *
     * @param trials the trials (any order; bootstrap draws follow the order given)
     * @param confidence two-sided confidence, e.g. 0.99
     * @param resamples bootstrap resamples (>= 200; the study comparison uses >= 2000)
     * @param seed bootstrap seed
     */
    public static List<Comparison> compare(List<Trial> trials, double confidence, int resamples, long seed) {
        return compare(trials, BASELINE, confidence, resamples, seed);
    }

    /**
     * Compares every variant but {@code reference} with the {@code reference} variant of its
     * architecture; architectures without it are skipped.
     *
     * @param trials the trials (any order; bootstrap draws follow the order given)
     * @param reference the variant on the "baseline" side of every ratio
     * @param confidence two-sided confidence, e.g. 0.99
     * @param resamples bootstrap resamples (>= 200; the study comparison uses >= 2000)
     * @param seed bootstrap seed
     */
    public static List<Comparison> compare(List<Trial> trials, String reference, double confidence, int resamples,
                                           long seed) {
        if (resamples < 200) {
            throw new IllegalArgumentException("--resamples " + resamples + " is too few for a "
                    + confidence * 100 + "% percentile interval; expected >= 200 (2000 or more recommended)");
        }
        Map<String, Map<String, Map<String, Site>>> byArch = new LinkedHashMap<>();
        for (Trial t : trials) {
            byArch.computeIfAbsent(t.architecture(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(t.variant(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(t.layerName(), k -> new Site(t.layerName(), t.layerIndex()))
                    .add(t);
        }
        List<Comparison> out = new ArrayList<>();
        for (Map.Entry<String, Map<String, Map<String, Site>>> a : byArch.entrySet()) {
            Map<String, Site> base = a.getValue().get(reference);
            if (base == null) {
                continue;
            }
            for (Map.Entry<String, Map<String, Site>> v : a.getValue().entrySet()) {
                if (!v.getKey().equals(reference)) {
                    out.add(compare(a.getKey(), v.getKey(), reference, base, v.getValue(), confidence, resamples,
                            seed));
                }
            }
        }
        return out;
    }

    private static Comparison compare(String arch, String variant, String reference, Map<String, Site> base,
                                      Map<String, Site> other, double confidence, int resamples, long seed) {
        String baseLast = lastLinear(base);
        String otherLast = lastLinear(other);
        List<Site[]> pairs = new ArrayList<>();
        Set<String> used = new LinkedHashSet<>();
        List<Site> baseSites = new ArrayList<>(base.values());
        baseSites.sort((x, y) -> Integer.compare(x.layerIndex, y.layerIndex));
        for (Site b : baseSites) {
            String partner = b.layerName.equals(baseLast) ? otherLast : b.layerName;
            if (!b.layerName.equals(baseLast) && partner.equals(otherLast)) {
                continue; // a last linear output pairs only with the other side's last linear output
            }
            Site o = other.get(partner);
            if (o != null) {
                pairs.add(new Site[] {b, o});
                used.add(b.layerName);
                used.add(variant + ":" + partner);
            }
        }
        Set<String> unpaired = new TreeSet<>();
        base.keySet().stream().filter(n -> !used.contains(n)).forEach(n -> unpaired.add(reference + ":" + n));
        other.keySet().stream().filter(n -> !used.contains(variant + ":" + n)).forEach(n -> unpaired.add(variant + ":" + n));
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("architecture " + arch + ": no fault site of " + variant
                    + " pairs with a site of " + reference + " (unpaired: " + unpaired + ")");
        }
        List<SiteRatio> rows = new ArrayList<>();
        List<String> undefined = new ArrayList<>();
        double sdcSum = 0;
        int sdcDefined = 0;
        double lossSum = 0;
        int lossDefined = 0;
        for (int i = 0; i < pairs.size(); i++) {
            Site b = pairs.get(i)[0];
            Site o = pairs.get(i)[1];
            Ratio sdc = katzOrUndefined(b.sdc, b.trials, o.sdc, o.trials, confidence);
            Ratio withTies = katzOrUndefined(b.sdc + b.ties, b.trials, o.sdc + o.ties, o.trials, confidence);
            Ratio loss = lossRatio(List.of(b), List.of(o), confidence, resamples, seed + 31L * i);
            if (sdc.defined()) {
                sdcSum += sdc.value();
                sdcDefined++;
            } else {
                undefined.add(b.layerName + " (" + sdc.reason() + ")");
            }
            if (loss.defined()) {
                lossSum += loss.value();
                lossDefined++;
            }
            rows.add(new SiteRatio(b.layerName, b.layerName, o.layerName, b.layerIndex, counts(b), counts(o),
                    b.rate(false), o.rate(false), b.meanLoss(), o.meanLoss(), sdc, withTies, loss));
        }
        SiteRatio last = rows.stream().filter(r -> r.site().equals(baseLast)).findFirst()
                .orElse(rows.get(rows.size() - 1));
        List<Site> bs = pairs.stream().map(p -> p[0]).toList();
        List<Site> os = pairs.stream().map(p -> p[1]).toList();
        return new Comparison(arch, variant, reference, rows, last,
                pooledSdc(bs, os, false, confidence, resamples, seed + 7),
                pooledSdc(bs, os, true, confidence, resamples, seed + 11),
                lossRatio(bs, os, confidence, resamples, seed + 13),
                sdcDefined == 0 ? Double.NaN : sdcSum / sdcDefined,
                lossDefined == 0 ? Double.NaN : lossSum / lossDefined,
                undefined, List.copyOf(unpaired));
    }

    /** The site GoldenEye's hook on the last linear module sees: a cosine head's pre-scale output, else logits. */
    private static String lastLinear(Map<String, Site> sites) {
        return sites.containsKey(COSINE) ? COSINE : LOGITS;
    }

    private static long[] counts(Site s) {
        return new long[] {s.trials, s.sdc, s.ties, s.lossCount};
    }

    private static Ratio katzOrUndefined(long a, long n1, long b, long n2, double confidence) {
        if (b == 0) {
            return Ratio.undefined(a == 0 ? "no SDC on either side" : "no SDC in the variant");
        }
        double value = (a / (double) n1) / (b / (double) n2);
        Intervals.Interval ci = Improvement.katz(a, n1, b, n2, confidence);
        return new Ratio(value, ci.low(), ci.high(), null);
    }

    /** Site-weighted mean of per-site SDC rates, baseline / variant, bootstrap by binomial redraws per site. */
    static Ratio pooledSdc(List<Site> base, List<Site> other, boolean withTies, double confidence, int resamples,
                           long seed) {
        double pb = meanRate(base, withTies);
        double po = meanRate(other, withTies);
        if (po == 0) {
            return Ratio.undefined("no SDC in the variant at any paired site");
        }
        SplittableRandom r = new SplittableRandom(seed);
        double[] draws = new double[resamples];
        for (int k = 0; k < resamples; k++) {
            double b = redrawnMeanRate(base, withTies, r);
            double o = redrawnMeanRate(other, withTies, r);
            draws[k] = o == 0 ? Double.POSITIVE_INFINITY : b / o;
        }
        return percentile(pb / po, draws, confidence);
    }

    private static double meanRate(List<Site> sites, boolean withTies) {
        return sites.stream().mapToDouble(s -> s.rate(withTies)).average().orElse(Double.NaN);
    }

    private static double redrawnMeanRate(List<Site> sites, boolean withTies, SplittableRandom r) {
        double sum = 0;
        for (Site s : sites) {
            double p = s.rate(withTies);
            long hits = 0;
            for (long i = 0; i < s.trials; i++) {
                if (r.nextDouble() < p) {
                    hits++;
                }
            }
            sum += hits / (double) s.trials;
        }
        return sum / sites.size();
    }

    /**
     * Site-weighted mean delta loss (NaN losses dropped), baseline / variant, with a percentile
     * bootstrap that resamples each site's losses with replacement.
     */
    static Ratio lossRatio(List<Site> base, List<Site> other, double confidence, int resamples, long seed) {
        for (Site s : base) {
            if (s.lossCount == 0) {
                return Ratio.undefined("reference site " + s.layerName + " has no finite delta loss");
            }
        }
        for (Site s : other) {
            if (s.lossCount == 0) {
                return Ratio.undefined("site " + s.layerName + " has no finite delta loss");
            }
        }
        double mb = base.stream().mapToDouble(Site::meanLoss).average().orElseThrow();
        double mo = other.stream().mapToDouble(Site::meanLoss).average().orElseThrow();
        if (mo == 0) {
            return Ratio.undefined("the variant's mean delta loss is 0");
        }
        SplittableRandom r = new SplittableRandom(seed);
        double[] draws = new double[resamples];
        for (int k = 0; k < resamples; k++) {
            double b = resampledMeanLoss(base, r);
            double o = resampledMeanLoss(other, r);
            draws[k] = o == 0 ? Double.POSITIVE_INFINITY : b / o;
        }
        return percentile(mb / mo, draws, confidence);
    }

    private static double resampledMeanLoss(List<Site> sites, SplittableRandom r) {
        double sum = 0;
        for (Site s : sites) {
            double m = 0;
            for (int i = 0; i < s.lossCount; i++) {
                m += s.losses[r.nextInt(s.lossCount)];
            }
            sum += m / s.lossCount;
        }
        return sum / sites.size();
    }

    private static Ratio percentile(double value, double[] draws, double confidence) {
        Arrays.sort(draws);
        double tail = (1 - confidence) / 2;
        return new Ratio(value, quantile(draws, tail), quantile(draws, 1 - tail), null);
    }

    /** Linear-interpolated quantile of sorted values (type 7, as R and numpy default). */
    static double quantile(double[] sorted, double p) {
        double h = (sorted.length - 1) * p;
        int lo = (int) Math.floor(h);
        int hi = Math.min(sorted.length - 1, lo + 1);
        if (Double.isInfinite(sorted[hi]) || Double.isInfinite(sorted[lo])) {
            return sorted[hi];
        }
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    /** Wald interval of a rate, p +- z sqrt(p (1 - p) / n) clipped to [0, 1], as GoldenEye draws its error bars. */
    public static Intervals.Interval wald(long successes, long n, double confidence) {
        if (n <= 0) {
            throw new IllegalArgumentException("n " + n + " must be > 0");
        }
        double p = successes / (double) n;
        double half = Intervals.zScore(confidence) * Math.sqrt(p * (1 - p) / n);
        return new Intervals.Interval(Math.max(0, p - half), Math.min(1, p + half));
    }
}
