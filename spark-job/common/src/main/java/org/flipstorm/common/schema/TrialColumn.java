package org.flipstorm.common.schema;

import java.util.List;
import java.util.Locale;

/**
 * The trial row, FlipStorm's public Parquet schema, defined once: the campaign writes exactly these
 * columns in this order with these types, and the analysis reads them by these names. What the
 * values mean: docs/SCHEMA.md. Renaming, retyping or removing a column is a schema version change.
 */
public enum TrialColumn {
    /** Campaign name and run id, e.g. {@code default-37ae3ded}. */
    CAMPAIGN_ID(Type.STRING),
    /** Trial number within the campaign, unique, from 0. */
    TRIAL_ID(Type.LONG),
    /** The model card's id (a partition directory). */
    MODEL_ID(Type.STRING),
    /** The model's head: baseline, text_guided or cosine_random. */
    VARIANT(Type.STRING),
    /** Index of the image in its split. */
    IMAGE_INDEX(Type.INT),
    /** The image's true class. */
    LABEL(Type.INT),
    /** The fault site's layer index. */
    LAYER_INDEX(Type.INT),
    /** The fault site's layer name (a partition directory up to schema 2, a file column since 3). */
    LAYER_NAME(Type.STRING),
    /** Flat index of the neuron (or weight) within the layer's output (or weights). */
    NEURON_INDEX(Type.LONG),
    /** The number format the fault hit. */
    FORMAT(Type.STRING),
    /** The lowest bit position hit. */
    BIT(Type.INT),
    /** The clean value of the site. */
    VALUE_BEFORE(Type.FLOAT),
    /** The value the rest of the network received. */
    VALUE_AFTER(Type.FLOAT),
    /** Argmax of the clean output. */
    GOLDEN_TOP1(Type.INT),
    /** Argmax of the faulty output (-1 when not finite). */
    FAULTY_TOP1(Type.INT),
    /** Largest clean output probability. */
    GOLDEN_CONFIDENCE(Type.FLOAT),
    /** Largest faulty output probability. */
    FAULTY_CONFIDENCE(Type.FLOAT),
    /** p1 - p2 of the clean output. */
    GOLDEN_TOP2DIFF(Type.FLOAT),
    /** masked, sdc, tie or non_finite. */
    OUTCOME(Type.STRING),
    /** |CE(golden) - CE(faulty)| against the label; NaN when the output is not finite. */
    DELTA_LOSS(Type.FLOAT),
    /** flip, stuck_at_0 or stuck_at_1. */
    FAULT_MODEL(Type.STRING),
    /** Every bit position hit, as a mask. */
    BIT_MASK(Type.INT),
    /** Whether a range detector bounded the faulty value. */
    RANGE_DETECTOR(Type.BOOLEAN),
    /** activation or weight: what the trial hit. */
    TARGET(Type.STRING),
    /** The model's architecture (pairs models of one architecture). */
    ARCHITECTURE(Type.STRING),
    /** Schema 2: none, clamp or goldeneye. */
    RANGE_DETECTOR_MODE(Type.STRING);

    /** Version of the schema this enum defines. */
    public static final int SCHEMA_VERSION = 3;

    /**
     * Columns the Parquet files are partitioned by: directories, not file columns. Up to schema 2
     * {@code layer_name} was one too (a file per shard and layer); since 3 a shard is one file.
     */
    public static final List<TrialColumn> PARTITIONS = List.of(MODEL_ID);

    /** Value types of the columns; every one is non-null. */
    public enum Type {
        /** UTF-8 text. */
        STRING(String.class),
        /** 64-bit integer. */
        LONG(Long.class),
        /** 32-bit integer. */
        INT(Integer.class),
        /** 32-bit float. */
        FLOAT(Float.class),
        /** 64-bit float. */
        DOUBLE(Double.class),
        /** Boolean. */
        BOOLEAN(Boolean.class);

        private final Class<?> javaType;

        Type(Class<?> javaType) {
            this.javaType = javaType;
        }

        /** The boxed Java type of a value. */
        public Class<?> javaType() {
            return javaType;
        }
    }

    private final Type type;
    private final String id;

    TrialColumn(Type type) {
        this.type = type;
        // Once per column: the Parquet writer asks for it for every value of every row.
        this.id = name().toLowerCase(Locale.ROOT);
    }

    /** The column name in Parquet and SQL, e.g. {@code golden_top2diff}. */
    public String id() {
        return id;
    }

    /** The value type. */
    public Type type() {
        return type;
    }

    /** True for a partition column (a directory, not in the file). */
    public boolean partition() {
        return PARTITIONS.contains(this);
    }
}
