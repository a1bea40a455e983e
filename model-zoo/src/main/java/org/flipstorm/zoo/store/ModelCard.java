package org.flipstorm.zoo.store;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.flipstorm.zoo.data.Normalization;

/**
 * What a trained model is, as JSON beside its zip: provenance for every campaign that uses it.
 *
 * @param modelId stable id, e.g. {@code lenet-fmnist-baseline}
 * @param architecture builder id, e.g. {@code lenet}
 * @param variant {@code baseline} or {@code text_guided}
 * @param dataset dataset id, e.g. {@code fashion-mnist}
 * @param classNames class names in label order
 * @param inputShape channels, height, width
 * @param parameterCount number of trainable parameters
 * @param weightsSha256 SHA-256 of the parameters as little-endian float32 (see {@link ModelStore})
 * @param testAccuracy accuracy on {@code testImages} images of the test split, measured at save time
 * @param testImages how many test images the accuracy is over
 * @param training how it was trained
 * @param layers the layers, in order
 * @param flipstormVersion FlipStorm version that wrote it
 * @param dl4jVersion DL4J version that wrote it
 * @param textGuidance where a text-guided head's rows came from (null for a baseline)
 * @param inputNormalization per-channel normalisation applied to [0, 1] pixels before the network
 *     (null: the network takes [0, 1] pixels as they are)
 * @param meanGoldenTop2Diff mean over the test images of (p1 - p2) x 100, the clean margin between
 *     the two highest softmax probabilities (null if not measured)
 * @param recipe training recipe name ({@code default}, {@code study}; null if not recorded)
 * @param logitScale exp(s) of a cosine head after training (null for a baseline head)
 * @param activationProfile per-layer max |activation| over clean images (null if not profiled)
 * @param testSetSha256 {@link org.flipstorm.zoo.data.ImageSet#sha256()} of the images the accuracy
 *     is over (null on cards written before 2026-12-04): for CIFAR-10 the hash of the official
 *     {@code test_batch.bin} when the model was measured on the official pixels
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelCard(
        String modelId,
        String architecture,
        String variant,
        String dataset,
        List<String> classNames,
        List<Integer> inputShape,
        long parameterCount,
        String weightsSha256,
        double testAccuracy,
        int testImages,
        Training training,
        List<LayerInfo> layers,
        String flipstormVersion,
        String dl4jVersion,
        TextGuidance textGuidance,
        Normalization inputNormalization,
        Double meanGoldenTop2Diff,
        String recipe,
        Double logitScale,
        ActivationProfile activationProfile,
        String testSetSha256) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** A card without text guidance (a baseline head). */
    public ModelCard(String modelId, String architecture, String variant, String dataset, List<String> classNames,
                     List<Integer> inputShape, long parameterCount, String weightsSha256, double testAccuracy,
                     int testImages, Training training, List<LayerInfo> layers, String flipstormVersion,
                     String dl4jVersion) {
        this(modelId, architecture, variant, dataset, classNames, inputShape, parameterCount, weightsSha256,
                testAccuracy, testImages, training, layers, flipstormVersion, dl4jVersion, null, null, null, null,
                null, null, null);
    }

    /**
     * The largest |activation| of every layer over clean images: the study's attenuation figure.
     *
     * @param split split profiled
     * @param images images profiled
     * @param layers one entry per layer, in layer order
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ActivationProfile(String split, int images, List<LayerMax> layers) {
        /** Copies the list. */
        public ActivationProfile {
            layers = List.copyOf(layers);
        }
    }

    /**
     * One layer's largest |activation|.
     *
     * @param name layer name
     * @param maxAbs largest |activation|
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record LayerMax(String name, double maxAbs) {}

    /**
     * The same card with measurements replaced: accuracy (over {@code images} test images whose
     * {@link org.flipstorm.zoo.data.ImageSet#sha256()} is {@code testSha}), margin, scale, profile
     * and recipe.
     */
    public ModelCard withMeasurements(double accuracy, int images, String testSha, Double top2Diff, Double scale,
                                      ActivationProfile profile, String recipeName) {
        return new ModelCard(modelId, architecture, variant, dataset, classNames, inputShape, parameterCount,
                weightsSha256, accuracy, images, training, layers, flipstormVersion, dl4jVersion, textGuidance,
                inputNormalization, top2Diff, recipeName, scale, profile, testSha);
    }

    /**
     * Provenance of a text-guided head's initial rows.
     *
     * @param encoder sentence encoder id
     * @param descriptionsSha256 hash of the class descriptions file
     * @param meanPairwiseCosine mean cosine between the class rows (separation of the classes)
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TextGuidance(String encoder, String descriptionsSha256, double meanPairwiseCosine) {}

    /** Checks the fields every reader relies on. */
    public ModelCard {
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(variant, "variant");
        classNames = List.copyOf(classNames);
        inputShape = List.copyOf(inputShape);
        layers = List.copyOf(layers);
    }

    /**
     * Training settings and cost.
     *
     * @param epochs epochs run
     * @param batchSize minibatch size
     * @param optimizer optimizer name
     * @param learningRate learning rate
     * @param weightDecay L2 weight decay
     * @param seed seed of initialisation and shuffling
     * @param trainImages images per epoch
     * @param trainSeconds wall time of training
     * @param imagesPerSecond training throughput
     * @param momentum optimizer momentum (0 if none)
     * @param schedule learning-rate schedule, e.g. {@code warmup 1 epoch + cosine}
     * @param augmentation training augmentation, e.g. {@code pad 4 crop + flip}
     * @param plannedEpochs epochs the schedule was laid out for ({@code epochs} is fewer if a time
     *     budget stopped the run)
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Training(int epochs, int batchSize, String optimizer, double learningRate, double weightDecay,
                           long seed, int trainImages, double trainSeconds, double imagesPerSecond,
                           double momentum, String schedule, String augmentation, int plannedEpochs) {
        /** Settings of a constant-rate run without momentum or augmentation, all epochs run. */
        public Training(int epochs, int batchSize, String optimizer, double learningRate, double weightDecay,
                        long seed, int trainImages, double trainSeconds, double imagesPerSecond) {
            this(epochs, batchSize, optimizer, learningRate, weightDecay, seed, trainImages, trainSeconds,
                    imagesPerSecond, 0, "constant", "none", epochs);
        }
    }

    /**
     * One layer of the network.
     *
     * @param index position in the network
     * @param name layer name
     * @param type DL4J layer class
     * @param outputShape shape of one image's output (without the batch dimension)
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record LayerInfo(int index, String name, String type, List<Long> outputShape) {}

    /**
     * What a class-folder dataset must become for this model: its input shape and classes; null
     * when the input is not 1 or 3 channels (no folder dataset fits it).
     */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public org.flipstorm.zoo.data.FolderDataset.Layout imageLayout() {
        List<Integer> s = inputShape();
        if (s == null || s.size() != 3 || (s.get(0) != 1 && s.get(0) != 3)) {
            return null;
        }
        return new org.flipstorm.zoo.data.FolderDataset.Layout(s.get(0), s.get(1), s.get(2), classNames());
    }

    /** Writes the card as indented JSON. */
    public void write(Path file) throws IOException {
        Files.writeString(file, JSON.writeValueAsString(this) + "\n");
    }

    /** Reads a card written by {@link #write}. */
    public static ModelCard read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), ModelCard.class);
    }

    /** The same card with another hash (used when saving). */
    public ModelCard withWeightsSha256(String sha) {
        return new ModelCard(modelId, architecture, variant, dataset, classNames, inputShape, parameterCount, sha,
                testAccuracy, testImages, training, layers, flipstormVersion, dl4jVersion, textGuidance,
                inputNormalization, meanGoldenTop2Diff, recipe, logitScale, activationProfile, testSetSha256);
    }
}
