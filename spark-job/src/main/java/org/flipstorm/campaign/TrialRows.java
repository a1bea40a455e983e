package org.flipstorm.campaign;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.flipstorm.common.schema.TrialColumn;
import org.flipstorm.inject.TrialResult;

/**
 * The trial row as Spark sees it: {@link TrialColumn} (flipstorm-common, shared with the analysis)
 * defines the columns; this class gives them a Spark schema and fills a row by column, never by
 * position.
 */
public final class TrialRows {
    /** Version of the trial schema written by this code. */
    public static final int SCHEMA_VERSION = TrialColumn.SCHEMA_VERSION;

    /** The columns in schema order (one array for every row, not a fresh copy per call of values()). */
    private static final TrialColumn[] COLUMNS = TrialColumn.values();

    /** The row schema, in {@link TrialColumn} order. */
    public static final StructType SCHEMA = schema();

    private TrialRows() {}

    private static StructType schema() {
        StructField[] fields = new StructField[COLUMNS.length];
        for (TrialColumn c : COLUMNS) {
            fields[c.ordinal()] = DataTypes.createStructField(c.id(), sparkType(c.type()), false);
        }
        return new StructType(fields);
    }

    /** The Spark type of a column type. */
    static DataType sparkType(TrialColumn.Type type) {
        return switch (type) {
            case STRING -> DataTypes.StringType;
            case LONG -> DataTypes.LongType;
            case INT -> DataTypes.IntegerType;
            case FLOAT -> DataTypes.FloatType;
            case DOUBLE -> DataTypes.DoubleType;
            case BOOLEAN -> DataTypes.BooleanType;
        };
    }

    /** One row for one trial's result; every column is named (the switch must cover them all). */
    static Row toRow(CampaignContext ctx, Trial trial, int label, TrialResult r) {
        Object[] values = new Object[COLUMNS.length];
        for (TrialColumn c : COLUMNS) {
            values[c.ordinal()] = switch (c) {
                case CAMPAIGN_ID -> ctx.campaignId();
                case TRIAL_ID -> trial.trialId();
                case MODEL_ID -> ctx.modelId();
                case VARIANT -> ctx.variant();
                case IMAGE_INDEX -> trial.imageIndex();
                case LABEL -> label;
                case LAYER_INDEX -> trial.layerIndex();
                case LAYER_NAME -> ctx.layer(trial.layerIndex()).name();
                case NEURON_INDEX -> trial.neuronIndex();
                case FORMAT -> ctx.format().id();
                case BIT -> trial.bit();
                case VALUE_BEFORE -> r.valueBefore();
                case VALUE_AFTER -> r.valueAfter();
                case GOLDEN_TOP1 -> r.goldenTop1();
                case FAULTY_TOP1 -> r.faultyTop1();
                case GOLDEN_CONFIDENCE -> r.goldenConfidence();
                case FAULTY_CONFIDENCE -> r.faultyConfidence();
                case GOLDEN_TOP2DIFF -> r.goldenTop2diff();
                case OUTCOME -> r.outcome().id();
                case DELTA_LOSS -> r.deltaLoss();
                case FAULT_MODEL -> ctx.faultModel().id();
                case BIT_MASK -> trial.mask();
                case RANGE_DETECTOR -> ctx.rangeDetector().active();
                case TARGET -> ctx.weightFaults() ? CampaignSpec.Target.WEIGHTS.rowValue()
                        : CampaignSpec.Target.ACTIVATIONS.rowValue();
                case ARCHITECTURE -> ctx.architecture() == null ? "" : ctx.architecture();
                case RANGE_DETECTOR_MODE -> ctx.rangeDetector().id();
            };
        }
        return new GenericRowWithSchema(values, SCHEMA);
    }

    /** The position of {@code column} in a trial row: the schema is built in enum order. */
    static int index(TrialColumn column) {
        return column.ordinal();
    }
}
