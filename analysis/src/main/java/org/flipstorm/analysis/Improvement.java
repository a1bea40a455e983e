package org.flipstorm.analysis;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flipstorm.common.stats.Intervals;

/**
 * Reliability improvement of text guidance, as the study defines it: per layer, the baseline's SDC
 * rate divided by the text-guided model's, for models of the same architecture; with a Katz
 * log interval, and the study's two headline figures (last layer, and the mean over layers).
 */
public final class Improvement {
    /** Variant name of the baseline head in trial rows. */
    public static final String BASELINE = "baseline";
    /** Variant name of the text-guided head in trial rows. */
    public static final String TEXT_GUIDED = "text_guided";

    private Improvement() {}

    /**
     * One layer's improvement.
     *
     * @param architecture architecture shared by both models
     * @param layerIndex layer index
     * @param layerName layer name
     * @param baselineSdc baseline SDC count
     * @param baselineTrials baseline trials
     * @param guidedSdc text-guided SDC count
     * @param guidedTrials text-guided trials
     * @param ratio baseline rate / text-guided rate
     * @param interval Katz log interval of the ratio
     */
    public record Row(String architecture, int layerIndex, String layerName, long baselineSdc, long baselineTrials,
                      long guidedSdc, long guidedTrials, double ratio, Intervals.Interval interval) {}

    /**
     * Katz log interval for a ratio of two proportions {@code (a/n1) / (b/n2)}. A zero count gets
     * 0.5 added to both counts of its group (the usual continuity correction), so the interval stays
     * finite.
     */
    public static Intervals.Interval katz(long a, long n1, long b, long n2, double confidence) {
        if (n1 <= 0 || n2 <= 0 || a < 0 || b < 0 || a > n1 || b > n2) {
            throw new IllegalArgumentException("counts " + a + "/" + n1 + " and " + b + "/" + n2 + " are not proportions");
        }
        double x1 = a;
        double m1 = n1;
        double x2 = b;
        double m2 = n2;
        if (a == 0 || b == 0) {
            x1 += 0.5;
            m1 += 0.5;
            x2 += 0.5;
            m2 += 0.5;
        }
        double log = Math.log((x1 / m1) / (x2 / m2));
        double se = Math.sqrt(1 / x1 - 1 / m1 + 1 / x2 - 1 / m2);
        double z = Intervals.zScore(confidence);
        return new Intervals.Interval(Math.exp(log - z * se), Math.exp(log + z * se));
    }

    /** Improvements of every layer (by name) present in both variants of an architecture, in layer order. */
    public static List<Row> compute(Path trialsDir, double confidence) {
        try (QueryEngine duck = new DuckDbEngine()) {
            return compute(duck, trialsDir, confidence);
        }
    }

    /** As {@link #compute(Path, double)}, with {@code engine}. */
    public static List<Row> compute(QueryEngine engine, Path trialsDir, double confidence) {
        Map<String, long[]> counts = new LinkedHashMap<>();
        Map<String, Object[]> layers = new LinkedHashMap<>();
        engine.query(trialsDir, "sdc_by_variant.sql", Map.of(), rs -> {
            // Layers pair by name: a text-guided model may have an extra layer (its feature layer)
            // that shifts the indices of the layers after it.
            String key = rs.getString("architecture") + "|" + rs.getString("layer_name");
            layers.putIfAbsent(key, new Object[] {rs.getString("architecture"), rs.getInt("layer_index"),
                    rs.getString("layer_name")});
            long[] v = counts.computeIfAbsent(key, k -> new long[] {-1, -1, -1, -1});
            String variant = rs.getString("variant");
            int at = BASELINE.equals(variant) ? 0 : TEXT_GUIDED.equals(variant) ? 2 : -1;
            if (at >= 0) {
                v[at] = rs.getLong("sdc");
                v[at + 1] = rs.getLong("trials");
            }
            return key;
        });
        List<Row> out = new ArrayList<>();
        for (Map.Entry<String, long[]> e : counts.entrySet()) {
            long[] v = e.getValue();
            if (v[1] <= 0 || v[3] <= 0) {
                continue;
            }
            Object[] l = layers.get(e.getKey());
            double ratio = (v[0] / (double) v[1]) / (v[2] / (double) v[3]);
            out.add(new Row((String) l[0], (Integer) l[1], (String) l[2], v[0], v[1], v[2], v[3], ratio,
                    katz(v[0], v[1], v[2], v[3], confidence)));
        }
        return out;
    }

    /** The study's headline figures for one architecture: the last layer's ratio and the mean over layers. */
    public static double[] headline(List<Row> rows, String architecture) {
        List<Row> a = rows.stream().filter(r -> r.architecture().equals(architecture)).toList();
        if (a.isEmpty()) {
            throw new IllegalArgumentException("no layer of architecture " + architecture + " has both variants");
        }
        double last = a.get(a.size() - 1).ratio();
        double mean = a.stream().mapToDouble(Row::ratio).average().orElseThrow();
        return new double[] {last, mean};
    }
}
