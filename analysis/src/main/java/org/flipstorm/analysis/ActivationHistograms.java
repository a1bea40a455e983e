package org.flipstorm.analysis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Per-layer histograms of clean activation values, from the profiling pass a campaign stores as
 * Parquet in {@code activations/} beside its {@code trials/}.
 */
public final class ActivationHistograms {
    /** Directory name inside a campaign directory. */
    public static final String DIR = "activations";

    private ActivationHistograms() {}

    /**
     * One bin.
     *
     * @param modelId model id
     * @param layerIndex layer index
     * @param layerName layer name
     * @param bin bin index
     * @param low lower edge
     * @param high upper edge
     * @param count values in the bin
     */
    public record Bin(String modelId, int layerIndex, String layerName, int bin, double low, double high, long count) {}

    /** The histograms of campaign directory {@code campaignDir}, empty if it has none. */
    public static List<Bin> compute(QueryEngine engine, Path campaignDir) {
        Path dir = campaignDir.resolve(DIR);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        return engine.query(dir, "activation_histograms.sql", Map.of("activations", engine.trialsSource(dir)),
                r -> new Bin(r.getString("model_id"), r.getInt("layer_index"), r.getString("layer_name"),
                        r.getInt("bin"), r.getDouble("low"), r.getDouble("high"), r.getLong("count")));
    }
}
