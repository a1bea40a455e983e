package org.flipstorm.campaign;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.flipstorm.inject.DetectorMode;
import org.flipstorm.inject.FaultOp;
import org.flipstorm.inject.NumberFormat;

/**
 * A campaign, validated once: every path that makes one (config file, command line, code) ends
 * here.
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
 * @param format number format the fault hits: fp32, fp16, bf16 or int8 (int8 needs a range profile)
 * @param faultModel what the fault does to its bits: flip, stuck_at_0 or stuck_at_1
 * @param bitsPerFault bits hit by one fault (1 = single-bit)
 * @param multiBit how the bits of a multi-bit fault are placed: adjacent or random
 * @param rangeDetector the detector faulty values pass: none, clamp (to +-max, NaN to 0) or
 *     goldeneye (to +-max, NaN to +max); any but none needs a range profile
 * @param target {@code activations} (transient faults in layer outputs) or {@code weights}
 *     (permanent faults in a convolution or dense layer's weights)
 * @param output directory under which the campaign writes {@code <name>/trials} and its manifest
 * @param overwrite replace an existing campaign of the same name instead of refusing
 * @param imagesPerShard images per Spark task (all their trials run in that task)
 * @param maxBatch most rows in one suffix batch
 * @param master Spark master when the job is not launched by spark-submit
 * @param sampling how many trials each group gets and on which images ({@link Sampling#DEFAULT} if null)
 */
public record CampaignSpec(String name, long seed, String model, ImageSource images, List<String> layers,
                           int trialsPerLayer, List<Integer> bits, String format, String faultModel,
                           int bitsPerFault, String multiBit, DetectorMode rangeDetector, String target, String output,
                           boolean overwrite,
                           int imagesPerShard, int maxBatch, String master, Sampling sampling)
        implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

    /** Layer-selection word: every layer but a parameter-free loss layer. */
    public static final String ALL_LAYERS = "all";
    /** Target: transient faults in layer outputs. */
    public static final String TARGET_ACTIVATIONS = "activations";
    /** Target: permanent faults in layer weights. */
    public static final String TARGET_WEIGHTS = "weights";

    /** Multi-bit placement: k neighbouring bits. */
    public static final String MULTI_BIT_ADJACENT = "adjacent";
    /** Multi-bit placement: k distinct bits drawn at random. */
    public static final String MULTI_BIT_RANDOM = "random";

    /**
     * Layer-selection word: GoldenEye's sites, the outputs of convolution and dense layers (and a
     * text-guided head's pre-scale cosine); see {@code InjectableNetwork#isGoldenEyeSite}.
     */
    public static final String GOLDENEYE_LAYERS = "goldeneye";

    /** Layer-selection word: layers with parameters (convolution, dense). */
    public static final String COMPUTE_LAYERS = "compute";

    /** Checks every field; messages name the bad value and what was expected. */
    public CampaignSpec {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("campaign name '" + name + "' is not valid; expected letters,"
                    + " digits, '.', '_' or '-'");
        }
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("model path is missing; expected the path of a model zip, e.g."
                    + " model-zoo/models/lenet-fmnist-baseline.zip");
        }
        if (images == null) {
            throw new IllegalArgumentException("images are missing; expected images { dataset, split, count }");
        }
        if (layers == null || layers.isEmpty()) {
            throw new IllegalArgumentException("layers are missing; expected 'all', 'compute' or a list of layer"
                    + " names or indices");
        }
        layers = List.copyOf(layers);
        if (trialsPerLayer < 1) {
            throw new IllegalArgumentException("trials-per-layer " + trialsPerLayer + " must be >= 1");
        }
        NumberFormat fmt = NumberFormat.byId(format == null ? "fp32" : format);
        format = fmt.id();
        bits = bits == null ? List.of() : List.copyOf(bits);
        for (int b : bits) {
            fmt.checkBit(b);
        }
        faultModel = FaultOp.byId(faultModel == null ? "flip" : faultModel).id();
        if (bitsPerFault < 1 || bitsPerFault > fmt.bits()) {
            throw new IllegalArgumentException("bits-per-fault " + bitsPerFault + " out of range for " + format
                    + " (1.." + fmt.bits() + ")");
        }
        multiBit = multiBit == null ? MULTI_BIT_ADJACENT : multiBit.toLowerCase(Locale.ROOT);
        if (!multiBit.equals(MULTI_BIT_ADJACENT) && !multiBit.equals(MULTI_BIT_RANDOM)) {
            throw new IllegalArgumentException("multi-bit '" + multiBit + "' unknown; expected adjacent or random");
        }
        if (multiBit.equals(MULTI_BIT_RANDOM) && !bits.isEmpty() && bits.size() < bitsPerFault) {
            throw new IllegalArgumentException("bits-per-fault " + bitsPerFault + " random bits cannot be drawn from "
                    + bits.size() + " allowed bits " + bits);
        }
        target = target == null ? TARGET_ACTIVATIONS : target.toLowerCase(Locale.ROOT);
        if (!target.equals(TARGET_ACTIVATIONS) && !target.equals(TARGET_WEIGHTS)) {
            throw new IllegalArgumentException("target '" + target + "' unknown; expected activations or weights");
        }
        rangeDetector = rangeDetector == null ? DetectorMode.NONE : rangeDetector;
        if (target.equals(TARGET_WEIGHTS) && rangeDetector.active()) {
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
        if (master == null || master.isBlank()) {
            master = "local[2]";
        }
        if (sampling == null) {
            sampling = Sampling.DEFAULT;
        }
    }

    /**
     * The fields that decide the campaign's rows (not where they go or which cluster runs them),
     * as one string: two specs with equal identities produce the same trials and outcomes.
     */
    public String identity() {
        return String.join("|", name, Long.toString(seed), model, images.toString(), layers.toString(),
                Integer.toString(trialsPerLayer), bits.toString(), format, faultModel, Integer.toString(bitsPerFault),
                multiBit, detectorIdentity(rangeDetector), target, Integer.toString(imagesPerShard),
                Integer.toString(maxBatch), sampling.identity());
    }

    /** The detector as the run id spells it: campaigns from before the GoldenEye mode keep their ids. */
    private static String detectorIdentity(DetectorMode mode) {
        return switch (mode) {
            case NONE -> "false";
            case CLAMP -> "true";
            default -> mode.id();
        };
    }

    /** True for a weight-fault campaign. */
    public boolean weightFaults() {
        return target.equals(TARGET_WEIGHTS);
    }

    /** The number format. */
    public NumberFormat numberFormat() {
        return NumberFormat.byId(format);
    }

    /** The bits trials draw from: the configured ones, or every bit of the format. */
    public int[] bitChoices() {
        if (!bits.isEmpty()) {
            return bits.stream().mapToInt(Integer::intValue).toArray();
        }
        int[] all = new int[numberFormat().bits()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return all;
    }

    /**
     * Where the trial images come from.
     *
     * @param dataset dataset id ({@code fashion-mnist}, {@code mnist})
     * @param path directory searched first (may be null: the dataset's system directory)
     * @param split {@code train} or {@code test}
     * @param count the first {@code count} images of the split are used
     */
    public record ImageSource(String dataset, String path, String split, int count) implements Serializable {
        private static final long serialVersionUID = 1L;

        /** Validates the fields that need no file system. */
        public ImageSource {
            if (dataset == null || dataset.isBlank()) {
                throw new IllegalArgumentException("images.dataset is missing; expected e.g. fashion-mnist");
            }
            split = split == null ? "test" : split;
            if (!split.equals("test") && !split.equals("train")) {
                throw new IllegalArgumentException("images.split '" + split + "' unknown; expected test or train");
            }
            if (count < 1) {
                throw new IllegalArgumentException("images.count " + count + " must be >= 1");
            }
        }
    }
}
