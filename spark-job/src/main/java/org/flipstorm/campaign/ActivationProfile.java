package org.flipstorm.campaign;

import java.io.IOException;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * The clean activation histograms a campaign stores beside its trials ({@code activations/}):
 * every layer's values over the first images, as one Parquet row per layer and bin.
 */
final class ActivationProfile {
    private ActivationProfile() {}

    /** Images profiled for the activation histograms (the first of the campaign's images). */
    static final int HISTOGRAM_IMAGES = 256;
    /** Bins per layer of the activation histograms. */
    static final int HISTOGRAM_BINS = 64;
    private static final org.apache.spark.sql.types.StructType HISTOGRAM_SCHEMA = new org.apache.spark.sql.types.StructType()
            .add("model_id", "string", false).add("layer_index", "int", false).add("layer_name", "string", false)
            .add("bin", "int", false).add("low", "double", false).add("high", "double", false)
            .add("count", "long", false);

    /**
     * Profiles the clean activations of every layer over the first images of the campaign (on the
     * driver) and writes one histogram row per layer and bin to {@code dir/activations}, staged
     * and renamed like the trials.
     */
    static void write(SparkSession spark, FileSystem fs, Path dir, PreparedCampaign prepared)
            throws IOException {
        CampaignContext ctx = prepared.context();
        List<org.flipstorm.inject.ActivationHistogram.Bin> bins;
        try {
            var model = org.flipstorm.zoo.store.ModelStore.load(ModelFiles.local(ctx.modelPath(), fs.getConf()));
            var src = ctx.images();
            var images = CampaignImages.load(src, ctx.imageLayout(), fs.getConf());
            bins = org.flipstorm.inject.ActivationHistogram.compute(
                    org.flipstorm.inject.InjectableNetworks.of(model.network()), images, ctx.inputNormalization(),
                    Math.min(HISTOGRAM_IMAGES, Math.min(src.count(), images.size())), 64, HISTOGRAM_BINS);
        } catch (org.flipstorm.zoo.ZooException e) {
            throw new IOException("cannot profile activations: " + e.getMessage(), e);
        }
        List<Row> rows = new java.util.ArrayList<>(bins.size());
        for (var b : bins) {
            rows.add(org.apache.spark.sql.RowFactory.create(ctx.modelId(), b.site(), b.name(), b.bin(), b.low(),
                    b.high(), b.count()));
        }
        Path staging = new Path(dir, "_staging-" + UUID.randomUUID());
        Path target = new Path(dir, CampaignLayout.ACTIVATIONS_DIR);
        try {
            spark.createDataFrame(rows, HISTOGRAM_SCHEMA).coalesce(1).write().mode(SaveMode.ErrorIfExists)
                    .parquet(staging.toString());
            if (fs.exists(target)) {
                fs.delete(target, true);
            }
            if (!fs.rename(staging, target)) {
                throw new IOException("could not move " + staging + " to " + target);
            }
        } finally {
            if (fs.exists(staging)) {
                fs.delete(staging, true);
            }
        }
    }
}
