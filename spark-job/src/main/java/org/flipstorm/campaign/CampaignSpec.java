package org.flipstorm.campaign;

import com.fasterxml.jackson.annotation.JsonValue;
import java.io.Serializable;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.flipstorm.common.Choice;
import org.flipstorm.inject.DetectorMode;
import org.flipstorm.inject.FaultOp;
import org.flipstorm.inject.NumberFormat;

/**
 * A campaign, validated once: every path that makes one (config file, command line, code) ends
 * here. Closed choices are enums ({@link Choice}); defaults live only in {@code reference.conf}
 * (see {@link CampaignConfig}), so every component must be given.
 *
 * @param name campaign name (letters, digits, '.', '_', '-')
 * @param seed seed from which every trial is drawn
 * @param model path of the model zip (its card must lie beside it)
 * @param images which images the trials draw from
 * @param layers layer names or indices, or the single word {@code all} (every layer but a
 *     parameter-free loss layer), {@code compute} (layers with parameters) or {@code goldeneye}
 *     (convolution and dense outputs, as GoldenEye hooks them)
 * @param trialsPerLayer trials drawn for each selected layer
 * @param bits bit positions drawn from (empty: every bit of the format)
 * @param format number format the fault hits (int8 and int8-pytorchfi need a range profile)
 * @param faultModel what the fault does to its bits
 * @param bitsPerFault bits hit by one fault (1 = single-bit)
 * @param multiBit how the bits of a multi-bit fault are placed: adjacent or random
 * @param rangeDetector the detector faulty values pass: none, clamp (to +-max, NaN to 0) or
 *     goldeneye (to +-max, NaN to +max); any but none needs a range profile
 * @param target activations (transient faults in layer outputs) or weights (permanent faults in
 *     a convolution or dense layer's weights)
 * @param output directory under which the campaign writes {@code <name>/trials} and its manifest
 * @param overwrite replace an existing campaign of the same name instead of refusing
 * @param imagesPerShard images per Spark task (all their trials run in that task)
 * @param maxBatch most rows in one suffix batch
 * @param nearTie golden reuse's near-tie tolerance (a difference of probabilities), or
 *     {@code InjectionEngine.EXACT} to run every fault beside a clean row of its image
 * @param cone under golden reuse, recompute only each fault's cone of influence where the network
 *     allows (a convolutional graph); changes no outcome, like the near-tie tolerance
 * @param master Spark master when the job is not launched by spark-submit
 * @param sampling how many trials each group gets and on which images
 */
public record CampaignSpec(String name, long seed, String model, ImageSource images, List<String> layers,
                           int trialsPerLayer, List<Integer> bits, NumberFormat format, FaultOp faultModel,
                           int bitsPerFault, MultiBit multiBit, DetectorMode rangeDetector, Target target,
                           String output, boolean overwrite, int imagesPerShard, int maxBatch, double nearTie, boolean cone,
                           String master, Sampling sampling)
        implements Serializable {
    private static final long serialVersionUID = 2L;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

    /**
     * The components that do not decide the campaign's rows (where they go, whether an old
     * campaign may be replaced, which cluster runs them, and the near-tie tolerance and the cone of
     * influence, which change no outcome: only the last bits of confidences); every other component is part of the
     * run id (see {@link #identity()}).
     */
    public static final Set<String> NOT_IN_RUN_ID = Set.of("output", "overwrite", "master", "nearTie", "cone");

    /** Layer-selection word: every layer but a parameter-free loss layer. */
    public static final String ALL_LAYERS = "all";

    /**
     * Layer-selection word: GoldenEye's sites, the outputs of convolution and dense layers (and a
     * text-guided head's pre-scale cosine); see {@code InjectableNetwork#isGoldenEyeSite}.
     */
    public static final String GOLDENEYE_LAYERS = "goldeneye";

    /** Layer-selection word: layers with parameters (convolution, dense). */
    public static final String COMPUTE_LAYERS = "compute";

    /** What the faults hit. */
    public enum Target implements Choice {
        /** Transient faults in layer outputs. */
        ACTIVATIONS("activations", "activation"),
        /** Permanent faults in a convolution or dense layer's weights. */
        WEIGHTS("weights", "weight");

        private final String id;
        private final String rowValue;

        Target(String id, String rowValue) {
            this.id = id;
            this.rowValue = rowValue;
        }

        @Override
        @JsonValue
        public String id() {
            return id;
        }

        /** The id, so that messages and logs spell a choice as configs do. */
        @Override
        public String toString() {
            return id();
        }

        /** The value of the trial rows' {@code target} column (singular: what one trial hit). */
        public String rowValue() {
            return rowValue;
        }

        /** The target for a config value: {@code activations} or {@code weights} (singular accepted). */
        public static Target parse(String v) {
            for (Target t : values()) {
                if (t.id.equalsIgnoreCase(v.strip()) || t.rowValue.equalsIgnoreCase(v.strip())) {
                    return t;
                }
            }
            throw new IllegalArgumentException("target '" + v + "' unknown; expected activations or weights");
        }
    }

    /** How the bits of a multi-bit fault are placed. */
    public enum MultiBit implements Choice {
        /** k neighbouring bits. */
        ADJACENT,
        /** k distinct bits drawn at random. */
        RANDOM;

        @Override
        @JsonValue
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The id, so that messages and logs spell a choice as configs do. */
        @Override
        public String toString() {
            return id();
        }
    }

    /** A split of a dataset. */
    public enum Split implements Choice {
        /** The test split. */
        TEST,
        /** The training split. */
        TRAIN;

        @Override
        @JsonValue
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The id, so that messages and logs spell a choice as configs do. */
        @Override
        public String toString() {
            return id();
        }
    }

    /** Checks every field; messages name the bad value and what was expected. Nothing is defaulted here. */
    public CampaignSpec {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("campaign name '" + name + "' is not valid; expected letters,"
                    + " digits, '.', '_' or '-'");
        }
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("model path is missing; expected the path of a model zip, e.g."
                    + " model-zoo/models/lenet-fmnist-baseline.zip");
        }
        present(images, "images", "images { dataset, split, count }");
        if (layers == null || layers.isEmpty()) {
            throw new IllegalArgumentException("layers are missing; expected 'all', 'compute', 'goldeneye' or a list"
                    + " of layer names or indices");
        }
        layers = List.copyOf(layers);
        if (trialsPerLayer < 1) {
            throw new IllegalArgumentException("trials-per-layer " + trialsPerLayer + " must be >= 1");
        }
        present(format, "format", NumberFormat.class);
        bits = bits == null ? List.of() : List.copyOf(bits);
        for (int b : bits) {
            format.checkBit(b);
        }
        present(faultModel, "fault-model", FaultOp.class);
        if (bitsPerFault < 1 || bitsPerFault > format.bits()) {
            throw new IllegalArgumentException("bits-per-fault " + bitsPerFault + " out of range for " + format.id()
                    + " (1.." + format.bits() + ")");
        }
        present(multiBit, "multi-bit", MultiBit.class);
        if (multiBit == MultiBit.RANDOM && !bits.isEmpty() && bits.size() < bitsPerFault) {
            throw new IllegalArgumentException("bits-per-fault " + bitsPerFault + " random bits cannot be drawn from "
                    + bits.size() + " allowed bits " + bits);
        }
        present(target, "target", Target.class);
        present(rangeDetector, "range-detector", DetectorMode.class);
        if (target == Target.WEIGHTS && rangeDetector.active()) {
            throw new IllegalArgumentException("the range detector guards activations; it cannot be used with"
                    + " target = weights");
        }
        if (output == null || output.isBlank()) {
            throw new IllegalArgumentException("output path is missing; expected a directory, e.g. campaigns");
        }
        if (imagesPerShard < 1) {
            throw new IllegalArgumentException("images-per-shard " + imagesPerShard + " must be >= 1");
        }
        if (maxBatch < 2) {
            throw new IllegalArgumentException("max-batch " + maxBatch + " must be >= 2");
        }
        if (!(nearTie >= 0 || nearTie == org.flipstorm.inject.InjectionEngine.EXACT)) {
            throw new IllegalArgumentException("near-tie " + nearTie + " must be a probability difference >= 0"
                    + " (e.g. 1e-4) or exact");
        }
        if (master == null || master.isBlank()) {
            throw new IllegalArgumentException("spark-master is missing; expected e.g. local[2] or spark://HOST:7077");
        }
        present(sampling, "sampling", "sampling { target, ... }");
    }

    private static <E extends Enum<E> & Choice> void present(Object v, String key, Class<E> type) {
        present(v, key, "one of " + Choice.ids(type));
    }

    private static void present(Object v, String key, String expected) {
        if (v == null) {
            throw new IllegalArgumentException(key + " is missing; expected " + expected);
        }
    }

    /**
     * The components that decide the campaign's rows, as one string: two specs with equal
     * identities produce the same trials and outcomes, so a rerun with an equal identity resumes.
     * Every component except {@link #NOT_IN_RUN_ID} is included, in declaration order, so a new
     * component is part of the run id unless it is deliberately listed there. The rendering keeps
     * the ids of campaigns from before the typed spec: a choice by its id, a record as Java renders
     * it, the detector as the boolean it once was (none/clamp), the sampling by its own identity.
     */
    public String identity() {
        List<String> parts = new ArrayList<>();
        for (RecordComponent c : CampaignSpec.class.getRecordComponents()) {
            if (!NOT_IN_RUN_ID.contains(c.getName())) {
                parts.add(render(value(c, this)));
            }
        }
        return String.join("|", parts);
    }

    private static String render(Object v) {
        if (v instanceof DetectorMode mode) {
            return switch (mode) {
                case NONE -> "false";
                case CLAMP -> "true";
                default -> mode.id();
            };
        }
        if (v instanceof Sampling s) {
            return s.identity();
        }
        if (v instanceof Choice choice) {
            return choice.id();
        }
        if (v instanceof Record r) {
            List<String> fields = new ArrayList<>();
            for (RecordComponent c : r.getClass().getRecordComponents()) {
                fields.add(c.getName() + "=" + render(value(c, r)));
            }
            return r.getClass().getSimpleName() + "[" + String.join(", ", fields) + "]";
        }
        if (v instanceof List<?> list) {
            return "[" + String.join(", ", list.stream().map(CampaignSpec::render).toList()) + "]";
        }
        return String.valueOf(v);
    }

    private static Object value(RecordComponent c, Object record) {
        try {
            return c.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + c.getName() + " of " + record.getClass(), e);
        }
    }

    /** True for a weight-fault campaign. */
    public boolean weightFaults() {
        return target == Target.WEIGHTS;
    }

    /** The bits trials draw from: the configured ones, or every bit of the format. */
    public int[] bitChoices() {
        if (!bits.isEmpty()) {
            return bits.stream().mapToInt(Integer::intValue).toArray();
        }
        int[] all = new int[format.bits()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return all;
    }

    /**
     * Where the trial images come from.
     *
     * @param dataset dataset id ({@code fashion-mnist}, {@code cifar10}, ...)
     * @param path directory searched first (may be null: the dataset's system directory)
     * @param split the split
     * @param count the first {@code count} images of the split are used
     */
    public record ImageSource(String dataset, String path, Split split, int count) implements Serializable {
        private static final long serialVersionUID = 2L;

        /** Validates the fields that need no file system. */
        public ImageSource {
            if (dataset == null || dataset.isBlank()) {
                throw new IllegalArgumentException("images.dataset is missing; expected e.g. fashion-mnist");
            }
            present(split, "images.split", Split.class);
            if (count < 1) {
                throw new IllegalArgumentException("images.count " + count + " must be >= 1");
            }
        }
    }
}
