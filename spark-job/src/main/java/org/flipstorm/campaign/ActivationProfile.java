package org.flipstorm.campaign;

import java.io.IOException;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

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
    /** The histogram file in {@code activations/}. */
    static final String FILE = "histograms.parquet";
    private static final MessageType SCHEMA = Types.buildMessage()
            .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("model_id")
            .required(PrimitiveTypeName.INT32).named("layer_index")
            .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("layer_name")
            .required(PrimitiveTypeName.INT32).named("bin")
            .required(PrimitiveTypeName.DOUBLE).named("low")
            .required(PrimitiveTypeName.DOUBLE).named("high")
            .required(PrimitiveTypeName.INT64).named("count")
            .named("activation_bin");

    /** Where a campaign's histograms live; the campaign has them once this file exists. */
    static Path file(Path campaignDir) {
        return new Path(new Path(campaignDir, CampaignLayout.ACTIVATIONS_DIR), FILE);
    }

    /**
     * Profiles the clean activations of every layer over the first images of the campaign (on the
     * driver) and writes one histogram row per layer and bin to {@code dir/activations/histograms.parquet},
     * written beside and renamed into place. Plain Parquet, not a Spark DataFrame: the first
     * DataFrame write of a driver cost about 3 s of a 35 s ResNet-20 campaign.
     */
    static void write(FileSystem fs, Path dir, PreparedCampaign prepared) throws IOException {
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
        SimpleGroupFactory factory = new SimpleGroupFactory(SCHEMA);
        List<Group> rows = new java.util.ArrayList<>(bins.size());
        for (var b : bins) {
            rows.add(factory.newGroup().append("model_id", ctx.modelId()).append("layer_index", b.site())
                    .append("layer_name", b.name()).append("bin", b.bin()).append("low", b.low())
                    .append("high", b.high()).append("count", b.count()));
        }
        // Spark wrote this directory before (a part file and _SUCCESS): an older campaign's is replaced whole.
        Path target = new Path(dir, CampaignLayout.ACTIVATIONS_DIR);
        if (fs.exists(target) && !fs.exists(file(dir))) {
            fs.delete(target, true);
        }
        // Qualified by the campaign's file system: the cached one's conf may name another default.
        ShardStore.writeSingleFile(fs.getConf(), fs.makeQualified(file(dir)), SCHEMA, rows);
    }
}
