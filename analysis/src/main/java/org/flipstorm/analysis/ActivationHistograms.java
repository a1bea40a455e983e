package org.flipstorm.analysis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

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

    /**
     * The histograms of campaign directory {@code campaignDir}, or of every campaign directly under
     * it when it is a directory of campaigns; empty if there are none.
     */
    public static List<Bin> compute(QueryEngine engine, Path campaignDir) {
        if (Files.isDirectory(campaignDir.resolve(DIR))) {
            return of(engine, campaignDir.resolve(DIR));
        }
        List<Bin> all = new ArrayList<>();
        try (Stream<Path> children = Files.list(campaignDir)) {
            for (Path c : children.sorted().toList()) {
                if (Files.isDirectory(c.resolve(DIR))) {
                    all.addAll(of(engine, c.resolve(DIR)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + campaignDir, e);
        }
        return all;
    }

    private static List<Bin> of(QueryEngine engine, Path dir) {
        return engine.query(dir, "activation_histograms.sql", Map.of("activations", engine.trialsSource(dir)),
                r -> new Bin(r.getString("model_id"), r.getInt("layer_index"), r.getString("layer_name"),
                        r.getInt("bin"), r.getDouble("low"), r.getDouble("high"), r.getLong("count")));
    }
}
