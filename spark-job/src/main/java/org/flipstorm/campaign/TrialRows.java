package org.flipstorm.campaign;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.flipstorm.inject.TrialResult;

/**
 * The trial row: FlipStorm's public Parquet schema (see README, "Output"). Renaming a column is a
 * schema version change.
 */
public final class TrialRows {
    /** Version of the trial schema written by this code. */
    public static final int SCHEMA_VERSION = 2;

    public static final String CAMPAIGN_ID = "campaign_id";
    public static final String TRIAL_ID = "trial_id";
    public static final String MODEL_ID = "model_id";
    public static final String VARIANT = "variant";
    public static final String IMAGE_INDEX = "image_index";
    public static final String LABEL = "label";
    public static final String LAYER_INDEX = "layer_index";
    public static final String LAYER_NAME = "layer_name";
    public static final String NEURON_INDEX = "neuron_index";
    public static final String FORMAT = "format";
    public static final String BIT = "bit";
    public static final String VALUE_BEFORE = "value_before";
    public static final String VALUE_AFTER = "value_after";
    public static final String GOLDEN_TOP1 = "golden_top1";
    public static final String FAULTY_TOP1 = "faulty_top1";
    public static final String GOLDEN_CONFIDENCE = "golden_confidence";
    public static final String FAULTY_CONFIDENCE = "faulty_confidence";
    public static final String GOLDEN_TOP2DIFF = "golden_top2diff";
    public static final String OUTCOME = "outcome";
    public static final String DELTA_LOSS = "delta_loss";
    public static final String FAULT_MODEL = "fault_model";
    public static final String BIT_MASK = "bit_mask";
    public static final String RANGE_DETECTOR = "range_detector";
    /** Schema 2: which detector ({@code none}, {@code clamp}, {@code goldeneye}). */
    public static final String RANGE_DETECTOR_MODE = "range_detector_mode";
    public static final String TARGET = "target";
    public static final String ARCHITECTURE = "architecture";

    /** Columns the Parquet files are partitioned by (directories, not file columns). */
    public static final List<String> PARTITION_COLUMNS = List.of(MODEL_ID, LAYER_NAME);

    /** The row schema, in column order. */
    public static final StructType SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField(CAMPAIGN_ID, DataTypes.StringType, false),
        DataTypes.createStructField(TRIAL_ID, DataTypes.LongType, false),
        DataTypes.createStructField(MODEL_ID, DataTypes.StringType, false),
        DataTypes.createStructField(VARIANT, DataTypes.StringType, false),
        DataTypes.createStructField(IMAGE_INDEX, DataTypes.IntegerType, false),
        DataTypes.createStructField(LABEL, DataTypes.IntegerType, false),
        DataTypes.createStructField(LAYER_INDEX, DataTypes.IntegerType, false),
        DataTypes.createStructField(LAYER_NAME, DataTypes.StringType, false),
        DataTypes.createStructField(NEURON_INDEX, DataTypes.LongType, false),
        DataTypes.createStructField(FORMAT, DataTypes.StringType, false),
        DataTypes.createStructField(BIT, DataTypes.IntegerType, false),
        DataTypes.createStructField(VALUE_BEFORE, DataTypes.FloatType, false),
        DataTypes.createStructField(VALUE_AFTER, DataTypes.FloatType, false),
        DataTypes.createStructField(GOLDEN_TOP1, DataTypes.IntegerType, false),
        DataTypes.createStructField(FAULTY_TOP1, DataTypes.IntegerType, false),
        DataTypes.createStructField(GOLDEN_CONFIDENCE, DataTypes.FloatType, false),
        DataTypes.createStructField(FAULTY_CONFIDENCE, DataTypes.FloatType, false),
        DataTypes.createStructField(GOLDEN_TOP2DIFF, DataTypes.FloatType, false),
        DataTypes.createStructField(OUTCOME, DataTypes.StringType, false),
        DataTypes.createStructField(DELTA_LOSS, DataTypes.FloatType, false),
        DataTypes.createStructField(FAULT_MODEL, DataTypes.StringType, false),
        DataTypes.createStructField(BIT_MASK, DataTypes.IntegerType, false),
        DataTypes.createStructField(RANGE_DETECTOR, DataTypes.BooleanType, false),
        DataTypes.createStructField(TARGET, DataTypes.StringType, false),
        DataTypes.createStructField(ARCHITECTURE, DataTypes.StringType, false),
        DataTypes.createStructField(RANGE_DETECTOR_MODE, DataTypes.StringType, false),
    });

    private TrialRows() {}

    /** One row for one trial's result. */
    static Row toRow(CampaignContext ctx, Trial trial, int label, TrialResult r) {
        return RowFactory.create(ctx.campaignId(), trial.trialId(), ctx.modelId(), ctx.variant(), trial.imageIndex(),
                label, trial.layerIndex(), ctx.layer(trial.layerIndex()).name(), trial.neuronIndex(), ctx.format().id(),
                trial.bit(), r.valueBefore(), r.valueAfter(), r.goldenTop1(), r.faultyTop1(), r.goldenConfidence(),
                r.faultyConfidence(), r.goldenTop2diff(), r.outcome().id(), r.deltaLoss(), ctx.faultModel().id(),
                trial.mask(), ctx.rangeDetector().active(), ctx.weightFaults() ? "weight" : "activation",
                ctx.architecture() == null ? "" : ctx.architecture(), ctx.rangeDetector().id());
    }
}
