package org.flipstorm.analysis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.flipstorm.common.stats.Intervals;

/** Per-layer vulnerability of a campaign: trials, SDC rate with a Wilson interval, non-finite rate, delta loss. */
public final class LayerSummary {
    private LayerSummary() {}

    /**
     * One layer's row.
     *
     * @param modelId model id
     * @param layerIndex layer index
     * @param layerName layer name
     * @param trials trials
     * @param sdc trials whose top-1 changed
     * @param nonFinite trials whose output held NaN or Inf
     * @param meanDeltaLoss mean |delta loss| over finite trials (NaN when there are none)
     * @param sdDeltaLoss sample standard deviation of |delta loss| over finite trials (NaN below two)
     * @param sdcInterval Wilson interval of the SDC rate
     * @param ties trials whose faulty output had its top score shared (schema 2; not SDCs)
     */
    public record Row(String modelId, int layerIndex, String layerName, long trials, long sdc, long nonFinite,
                      double meanDeltaLoss, double sdDeltaLoss, Intervals.Interval sdcInterval, long ties) {
        /** A row without ties (trial schema 1). */
        public Row(String modelId, int layerIndex, String layerName, long trials, long sdc, long nonFinite,
                   double meanDeltaLoss, double sdDeltaLoss, Intervals.Interval sdcInterval) {
            this(modelId, layerIndex, layerName, trials, sdc, nonFinite, meanDeltaLoss, sdDeltaLoss, sdcInterval, 0);
        }

        /** SDC rate with ties counted as SDCs. */
        public double sdcOrTieRate() {
            return (sdc + ties) / (double) trials;
        }

        /** SDC rate. */
        public double sdcRate() {
            return sdc / (double) trials;
        }

        /** Non-finite rate. */
        public double nonFiniteRate() {
            return nonFinite / (double) trials;
        }
    }

    /** The query text with {@code ${trials}} still in it. */
    public static String querySql() {
        return querySql("layer_summary.sql");
    }

    /** A query of this package's resources ({@code org/flipstorm/analysis/NAME}), {@code ${trials}} unreplaced. */
    public static String querySql(String name) {
        return Queries.text(name);
    }

    /**
     * The trials directory of a campaign: {@code dir/trials} when {@code dir} is a campaign
     * directory, else {@code dir} itself.
     */
    public static Path trialsDir(Path dir) {
        Path trials = dir.resolve("trials");
        return Files.isDirectory(trials) ? trials : dir;
    }

    /**
     * Per model, the layer with the highest SDC rate (ties: the earlier layer) and the runner-up.
     *
     * @param top the layer with the highest rate
     * @param next the layer with the next highest rate (null for a one-layer model)
     */
    public record Critical(Row top, Row next) {
        /** True when the top layer's interval lies wholly above the next one's: it really is the most critical. */
        public boolean standsOut() {
            return next == null || top.sdcInterval().low() > next.sdcInterval().high();
        }

        /** One line for a reader: the most critical layer, or that none stands out and why. */
        public String sentence() {
            String t = String.format(java.util.Locale.ROOT, "%s (index %d), SDC rate %.4f [%.4f, %.4f]",
                    top.layerName(), top.layerIndex(), top.sdcRate(), top.sdcInterval().low(),
                    top.sdcInterval().high());
            if (next == null) {
                return "most critical layer of " + top.modelId() + ": " + t;
            }
            String n = String.format(java.util.Locale.ROOT, "%s %.4f [%.4f, %.4f]", next.layerName(), next.sdcRate(),
                    next.sdcInterval().low(), next.sdcInterval().high());
            return standsOut() ? "most critical layer of " + top.modelId() + ": " + t + ", above the next, " + n
                    : "no layer of " + top.modelId() + " stands out: the highest SDC rate, " + t
                            + ", overlaps the next, " + n + " (more trials would tell them apart)";
        }
    }

    /** Per model, its highest and next-highest layer by SDC rate. */
    public static java.util.Map<String, Critical> mostCritical(List<Row> rows) {
        java.util.Map<String, List<Row>> byModel = new java.util.LinkedHashMap<>();
        rows.forEach(r -> byModel.computeIfAbsent(r.modelId(), k -> new java.util.ArrayList<>()).add(r));
        java.util.Map<String, Critical> out = new java.util.LinkedHashMap<>();
        byModel.forEach((model, r) -> {
            List<Row> sorted = new java.util.ArrayList<>(r);
            sorted.sort(java.util.Comparator.comparingDouble(Row::sdcRate).reversed()); // stable: earlier layer first
            out.put(model, new Critical(sorted.get(0), sorted.size() > 1 ? sorted.get(1) : null));
        });
        return out;
    }

    /** Computes the table for the Parquet under {@code trialsDir} with embedded DuckDB. */
    public static List<Row> compute(Path trialsDir, double confidence) {
        try (QueryEngine duck = new DuckDbEngine()) {
            return compute(duck, trialsDir, confidence);
        }
    }

    /** Computes the table for the Parquet under {@code trialsDir} with {@code engine}. */
    public static List<Row> compute(QueryEngine engine, Path trialsDir, double confidence) {
        requireDirectory(trialsDir);
        return engine.query(trialsDir, "layer_summary.sql", java.util.Map.of(), rs -> {
            long trials = rs.getLong("trials");
            long sdc = rs.getLong("sdc");
            return new Row(rs.getString("model_id"), rs.getInt("layer_index"), rs.getString("layer_name"), trials, sdc,
                    rs.getLong("non_finite"), rs.getDouble("mean_delta_loss"), rs.getDouble("sd_delta_loss"),
                    Intervals.wilson(sdc, trials, confidence), rs.getLong("ties"));
        });
    }

    /** Fails with a message naming the expected layout if {@code trialsDir} is not a directory. */
    static void requireDirectory(Path trialsDir) {
        if (!Files.isDirectory(trialsDir)) {
            throw new IllegalArgumentException("trial directory " + trialsDir + " does not exist; expected a"
                    + " campaign directory (with trials/) or a trials directory of Parquet files");
        }
    }
}
