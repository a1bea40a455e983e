package org.flipstorm.campaign;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueType;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.flipstorm.inject.DetectorMode;

/**
 * Reads a campaign from a HOCON file (see {@code conf/local.conf}) into a {@link CampaignSpec}.
 * All keys live under {@value #ROOT}; each key's default stands beside its name here.
 */
public final class CampaignConfig {
    /** Block that holds the campaign. */
    public static final String ROOT = "campaign";

    public static final String NAME = "name";
    public static final String SEED = "seed";
    public static final long SEED_DEFAULT = 42L;
    public static final String MODEL = "model";
    public static final String IMAGES_DATASET = "images.dataset";
    public static final String IMAGES_PATH = "images.path";
    public static final String IMAGES_SPLIT = "images.split";
    public static final String IMAGES_SPLIT_DEFAULT = "test";
    public static final String IMAGES_COUNT = "images.count";
    public static final String LAYERS = "layers";
    public static final String LAYERS_DEFAULT = CampaignSpec.ALL_LAYERS;
    public static final String TRIALS_PER_LAYER = "trials-per-layer";
    public static final String BITS = "bits";
    public static final String BITS_ALL = "all";
    public static final String FORMAT = "format";
    public static final String FORMAT_DEFAULT = "fp32";
    public static final String FAULT_MODEL = "fault-model";
    public static final String FAULT_MODEL_DEFAULT = "flip";
    public static final String BITS_PER_FAULT = "bits-per-fault";
    public static final int BITS_PER_FAULT_DEFAULT = 1;
    public static final String MULTI_BIT = "multi-bit";
    public static final String MULTI_BIT_DEFAULT = CampaignSpec.MULTI_BIT_ADJACENT;
    public static final String RANGE_DETECTOR = "range-detector";
    public static final String RANGE_DETECTOR_DEFAULT = "none";
    public static final String TARGET = "target";
    public static final String TARGET_DEFAULT = CampaignSpec.TARGET_ACTIVATIONS;
    public static final String OUTPUT = "output";
    public static final String OUTPUT_DEFAULT = "campaigns";
    public static final String OVERWRITE = "overwrite";
    public static final boolean OVERWRITE_DEFAULT = false;
    public static final String IMAGES_PER_SHARD = "images-per-shard";
    public static final int IMAGES_PER_SHARD_DEFAULT = 25;
    public static final String MAX_BATCH = "max-batch";
    public static final int MAX_BATCH_DEFAULT = org.flipstorm.inject.InjectionEngine.DEFAULT_MAX_BATCH;
    public static final String SPARK_MASTER = "spark-master";
    public static final String SPARK_MASTER_DEFAULT = "local[2]";
    public static final String SAMPLING_TARGET = "sampling.target";
    public static final String SAMPLING_MARGIN = "sampling.margin";
    public static final String SAMPLING_CONFIDENCE = "sampling.confidence";
    public static final String SAMPLING_GROUPS = "sampling.groups";
    public static final String SAMPLING_ELIGIBLE = "sampling.eligible";
    /** Key: adaptive stop on or off. */
    public static final String SAMPLING_ADAPTIVE = "sampling.adaptive";
    /** Key: trials per group in the first adaptive round. */
    public static final String SAMPLING_FIRST_ROUND = "sampling.first-round";
    /** Key: growth of the cumulative trials per adaptive round. */
    public static final String SAMPLING_GROWTH = "sampling.growth";
    /** Key: fraction of the source images in the seeded held-out split. */
    public static final String SAMPLING_HOLDOUT = "sampling.holdout";
    /** Key: seed of the held-out split. */
    public static final String SAMPLING_HOLDOUT_SEED = "sampling.holdout-seed";

    private static final Set<String> KNOWN = Set.of(NAME, SEED, MODEL, IMAGES_DATASET, IMAGES_PATH, IMAGES_SPLIT,
            IMAGES_COUNT, LAYERS, TRIALS_PER_LAYER, BITS, FORMAT, FAULT_MODEL, BITS_PER_FAULT, MULTI_BIT,
            RANGE_DETECTOR, TARGET, OUTPUT, OVERWRITE, IMAGES_PER_SHARD, MAX_BATCH,
            SPARK_MASTER, SAMPLING_TARGET, SAMPLING_MARGIN, SAMPLING_CONFIDENCE, SAMPLING_GROUPS, SAMPLING_ELIGIBLE,
            SAMPLING_ADAPTIVE, SAMPLING_FIRST_ROUND, SAMPLING_GROWTH, SAMPLING_HOLDOUT, SAMPLING_HOLDOUT_SEED);

    private CampaignConfig() {}

    /**
     * Reads {@code file}, with {@code overrides} (HOCON lines such as
     * {@code campaign.trials-per-layer = 100}) taking precedence.
     */
    public static CampaignSpec load(File file, List<String> overrides) {
        if (!file.isFile()) {
            throw new IllegalArgumentException("campaign config " + file + " does not exist; expected a HOCON file"
                    + " such as conf/local.conf");
        }
        Config over = ConfigFactory.empty();
        for (String o : overrides) {
            try {
                over = ConfigFactory.parseString(o).withFallback(over);
            } catch (ConfigException e) {
                throw new IllegalArgumentException("--set '" + o + "' is not a HOCON setting; expected key=value such"
                        + " as campaign.seed=7 or 'campaign.layers=[conv1, conv2]'", e);
            }
        }
        Config conf;
        try {
            conf = over.withFallback(ConfigFactory.parseFile(file)).resolve();
        } catch (ConfigException e) {
            throw new IllegalArgumentException("campaign config " + file + " is not valid HOCON: " + e.getMessage(), e);
        }
        return fromConfig(conf);
    }

    /** Builds the spec from a parsed config that has a {@value #ROOT} block. */
    public static CampaignSpec fromConfig(Config root) {
        if (!root.hasPath(ROOT)) {
            throw new IllegalArgumentException("config has no '" + ROOT + "' block; expected campaign { ... }");
        }
        Config c = root.getConfig(ROOT);
        Set<String> unknown = new TreeSet<>();
        c.entrySet().forEach(e -> {
            if (!KNOWN.contains(e.getKey())) {
                unknown.add(e.getKey());
            }
        });
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown campaign key(s) " + unknown + "; known keys: "
                    + new TreeSet<>(KNOWN));
        }
        try {
            Sampling d = Sampling.DEFAULT;
            Sampling sampling = new Sampling(
                    c.hasPath(SAMPLING_TARGET) ? c.getString(SAMPLING_TARGET) : d.target(),
                    c.hasPath(SAMPLING_MARGIN) ? c.getDouble(SAMPLING_MARGIN) : d.margin(),
                    c.hasPath(SAMPLING_CONFIDENCE) ? c.getDouble(SAMPLING_CONFIDENCE) : d.confidence(),
                    c.hasPath(SAMPLING_GROUPS) ? c.getString(SAMPLING_GROUPS) : d.groups(),
                    c.hasPath(SAMPLING_ELIGIBLE) ? c.getString(SAMPLING_ELIGIBLE) : d.eligible(),
                    c.hasPath(SAMPLING_ADAPTIVE) ? c.getBoolean(SAMPLING_ADAPTIVE) : d.adaptive(),
                    c.hasPath(SAMPLING_FIRST_ROUND) ? c.getLong(SAMPLING_FIRST_ROUND) : d.firstRound(),
                    c.hasPath(SAMPLING_GROWTH) ? c.getDouble(SAMPLING_GROWTH) : d.growth(),
                    c.hasPath(SAMPLING_HOLDOUT) ? c.getDouble(SAMPLING_HOLDOUT) : d.holdout(),
                    c.hasPath(SAMPLING_HOLDOUT_SEED) ? c.getLong(SAMPLING_HOLDOUT_SEED) : d.holdoutSeed());
            boolean fixedCount = sampling.target().equals(Sampling.TRIALS);
            return new CampaignSpec(
                    c.hasPath(NAME) ? c.getString(NAME) : null,
                    c.hasPath(SEED) ? c.getLong(SEED) : SEED_DEFAULT,
                    c.hasPath(MODEL) ? c.getString(MODEL) : null,
                    new CampaignSpec.ImageSource(
                            c.hasPath(IMAGES_DATASET) ? c.getString(IMAGES_DATASET) : null,
                            c.hasPath(IMAGES_PATH) ? c.getString(IMAGES_PATH) : null,
                            c.hasPath(IMAGES_SPLIT) ? c.getString(IMAGES_SPLIT) : IMAGES_SPLIT_DEFAULT,
                            required(c, IMAGES_COUNT) ? c.getInt(IMAGES_COUNT) : 0),
                    stringOrList(c, LAYERS, LAYERS_DEFAULT),
                    fixedCount && required(c, TRIALS_PER_LAYER) || c.hasPath(TRIALS_PER_LAYER)
                            ? c.getInt(TRIALS_PER_LAYER) : 1,
                    bits(c),
                    c.hasPath(FORMAT) ? c.getString(FORMAT) : FORMAT_DEFAULT,
                    c.hasPath(FAULT_MODEL) ? c.getString(FAULT_MODEL) : FAULT_MODEL_DEFAULT,
                    c.hasPath(BITS_PER_FAULT) ? c.getInt(BITS_PER_FAULT) : BITS_PER_FAULT_DEFAULT,
                    c.hasPath(MULTI_BIT) ? c.getString(MULTI_BIT) : MULTI_BIT_DEFAULT,
                    DetectorMode.parse(c.hasPath(RANGE_DETECTOR) ? String.valueOf(c.getValue(RANGE_DETECTOR).unwrapped())
                            : RANGE_DETECTOR_DEFAULT),
                    c.hasPath(TARGET) ? c.getString(TARGET) : TARGET_DEFAULT,
                    c.hasPath(OUTPUT) ? c.getString(OUTPUT) : OUTPUT_DEFAULT,
                    c.hasPath(OVERWRITE) ? c.getBoolean(OVERWRITE) : OVERWRITE_DEFAULT,
                    c.hasPath(IMAGES_PER_SHARD) ? c.getInt(IMAGES_PER_SHARD) : IMAGES_PER_SHARD_DEFAULT,
                    c.hasPath(MAX_BATCH) ? c.getInt(MAX_BATCH) : MAX_BATCH_DEFAULT,
                    c.hasPath(SPARK_MASTER) ? c.getString(SPARK_MASTER) : SPARK_MASTER_DEFAULT,
                    sampling);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static boolean required(Config c, String key) {
        if (!c.hasPath(key)) {
            throw new IllegalArgumentException("campaign." + key + " is missing");
        }
        return true;
    }

    private static List<String> stringOrList(Config c, String key, String dflt) {
        if (!c.hasPath(key)) {
            return List.of(dflt);
        }
        if (c.getValue(key).valueType() == ConfigValueType.LIST) {
            List<String> out = new ArrayList<>();
            c.getList(key).forEach(v -> out.add(String.valueOf(v.unwrapped())));
            return out;
        }
        return List.of(c.getString(key));
    }

    private static List<Integer> bits(Config c) {
        if (!c.hasPath(BITS)) {
            return List.of();
        }
        if (c.getValue(BITS).valueType() == ConfigValueType.STRING) {
            String v = c.getString(BITS);
            if (!v.equals(BITS_ALL)) {
                throw new IllegalArgumentException("campaign.bits '" + v + "' unknown; expected 'all' or a list of"
                        + " bit positions such as [30, 31]");
            }
            return List.of();
        }
        return c.getIntList(BITS);
    }
}
