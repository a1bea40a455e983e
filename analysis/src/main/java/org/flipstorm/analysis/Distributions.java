package org.flipstorm.analysis;

import java.nio.file.Path;
import java.util.List;

/** Distributions the study plots: delta-loss quantiles per layer and the golden margin per variant. */
public final class Distributions {
    /** Probabilities of the delta-loss quantiles, in column order. */
    public static final double[] DELTA_QUANTILES = {0.1, 0.25, 0.5, 0.75, 0.9, 0.99};
    /** Where the empirical CDF is drawn: every percentile, 0 (the minimum) to 1 (the maximum). */
    public static final double[] ECDF_PROBABILITIES = java.util.stream.IntStream.rangeClosed(0, 100)
            .mapToDouble(i -> i / 100.0).toArray();

    private Distributions() {}

    /**
     * Delta-loss quantiles of one layer.
     *
     * @param modelId model id
     * @param layerIndex layer index
     * @param layerName layer name
     * @param finiteTrials trials with a finite delta loss
     * @param quantiles the quantiles at {@link #DELTA_QUANTILES}
     */
    public record DeltaRow(String modelId, int layerIndex, String layerName, long finiteTrials, double[] quantiles) {}

    /**
     * Images of a model and variant whose golden margin falls in [bin/10, (bin+1)/10).
     *
     * @param modelId model id
     * @param variant variant
     * @param bin 0..9 (margin 1.0 goes to bin 9)
     * @param images images
     */
    public record MarginBin(String modelId, String variant, int bin, long images) {}

    /** Delta-loss quantiles per model and layer. */
    public static List<DeltaRow> deltaQuantiles(Path trialsDir) {
        try (QueryEngine duck = new DuckDbEngine()) {
            return deltaQuantiles(duck, trialsDir);
        }
    }

    /** As {@link #deltaQuantiles(Path)}, with {@code engine}. */
    public static List<DeltaRow> deltaQuantiles(QueryEngine engine, Path trialsDir) {
        return deltaQuantiles(engine, trialsDir, DELTA_QUANTILES);
    }

    /** The empirical CDF of delta loss per model and layer, at every percentile of its finite trials. */
    public static List<DeltaRow> deltaEcdf(QueryEngine engine, Path trialsDir) {
        return deltaQuantiles(engine, trialsDir, ECDF_PROBABILITIES);
    }

    private static List<DeltaRow> deltaQuantiles(QueryEngine engine, Path trialsDir, double[] probabilities) {
        return engine.query(trialsDir, "delta_quantiles.sql",
                java.util.Map.of("delta_quantiles", engine.quantiles("delta_loss", probabilities)), rs -> new DeltaRow(
                rs.getString("model_id"), rs.getInt("layer_index"), rs.getString("layer_name"),
                rs.getLong("finite_trials"), rs.getDoubleArray("q")));
    }

    /** Golden-margin histogram per model and variant. */
    public static List<MarginBin> marginHistogram(Path trialsDir) {
        try (QueryEngine duck = new DuckDbEngine()) {
            return marginHistogram(duck, trialsDir);
        }
    }

    /** As {@link #marginHistogram(Path)}, with {@code engine}. */
    public static List<MarginBin> marginHistogram(QueryEngine engine, Path trialsDir) {
        return engine.query(trialsDir, "top2diff.sql", java.util.Map.of(), rs -> new MarginBin(rs.getString("model_id"),
                rs.getString("variant"), rs.getInt("bin"), rs.getLong("images")));
    }
}
