package org.flipstorm.campaign;

import org.apache.hadoop.fs.Path;

/** The names inside a campaign directory ({@code <output>/<name>/}); docs/SCHEMA.md shows the tree. */
public final class CampaignLayout {
    /** The trial Parquet, partitioned by model and layer. */
    public static final String TRIALS_DIR = "trials";
    /** The clean activation histograms. */
    public static final String ACTIVATIONS_DIR = "activations";
    /** The manifest: status, spec, plan, model card, versions. */
    public static final String MANIFEST = "manifest.json";

    private CampaignLayout() {}

    /** The campaign directory of a spec. */
    public static Path campaignDir(CampaignSpec spec) {
        return new Path(spec.output(), spec.name());
    }
}
