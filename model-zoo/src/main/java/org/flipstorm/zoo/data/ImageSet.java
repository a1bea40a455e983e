package org.flipstorm.zoo.data;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A labelled set of 8-bit images held in memory, NCHW order, one byte per pixel and channel.
 *
 * @param name dataset name, e.g. {@code fashion-mnist}
 * @param split {@code train} or {@code test}
 * @param channels channels per image
 * @param height image height in pixels
 * @param width image width in pixels
 * @param pixels all images back to back, {@code size() * channels * height * width} bytes
 * @param labels class index of each image
 * @param numClasses number of classes
 */
public record ImageSet(
        String name, String split, int channels, int height, int width, byte[] pixels, int[] labels, int numClasses) {

    /** Validates the shape; the arrays are taken as they are (not copied) to keep large sets cheap. */
    public ImageSet {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException(
                    "image shape " + channels + "x" + height + "x" + width + " must be positive");
        }
        if (pixels.length != (long) labels.length * channels * height * width) {
            throw new IllegalArgumentException("pixel buffer holds " + pixels.length + " bytes, expected "
                    + labels.length + " images x " + channels * height * width);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException(
                        "label " + labels[i] + " of image " + i + " outside 0.." + (numClasses - 1));
            }
        }
    }

    /** Number of images. */
    public int size() {
        return labels.length;
    }

    /** Values per image (channels x height x width). */
    public int imageLength() {
        return channels * height * width;
    }

    /** The class of image {@code index}. */
    public int label(int index) {
        return labels[index];
    }

    /** Images {@code indices} as a float NCHW array scaled to [0, 1]. */
    public INDArray features(int[] indices) {
        return features(indices, null);
    }

    /**
     * Images {@code indices} as a float NCHW array scaled to [0, 1] and then, if {@code norm} is
     * not null, normalised per channel.
     */
    public INDArray features(int[] indices, Normalization norm) {
        return features(indices, norm, Augmentation.NONE, 0, 0);
    }

    /**
     * Images {@code indices} augmented for (seed, epoch) and normalised ({@code norm} may be null).
     *
     * @throws IllegalArgumentException if {@code norm} has another channel count than the images
     */
    public INDArray features(int[] indices, Normalization norm, Augmentation aug, long seed, int epoch) {
        if (norm != null && norm.channels() != channels) {
            throw new IllegalArgumentException("normalisation has " + norm.channels() + " channels, images of "
                    + name + " have " + channels);
        }
        int len = imageLength();
        float[] out = new float[indices.length * len];
        for (int n = 0; n < indices.length; n++) {
            int idx = indices[n];
            if (idx < 0 || idx >= size()) {
                throw new IndexOutOfBoundsException(
                        "image index " + idx + " outside 0.." + (size() - 1) + " of " + name + "/" + split);
            }
            aug.apply(pixels, idx, channels, height, width, seed, epoch, norm, out, n * len);
        }
        return Nd4j.create(out, new long[] {indices.length, channels, height, width}, 'c');
    }

    /** Mean and standard deviation of every channel over all images of this set. */
    public Normalization normalization() {
        return Normalization.of(pixels, size(), channels, height * width);
    }

    /** One-hot labels of {@code indices}, shape [n, numClasses]. */
    public INDArray oneHot(int[] indices) {
        INDArray y = Nd4j.zeros(DataType.FLOAT, indices.length, numClasses);
        for (int n = 0; n < indices.length; n++) {
            y.putScalar(n, labels[indices[n]], 1f);
        }
        return y;
    }

    /**
     * SHA-256 of the set as records, image by image: the label (one byte; four, big-endian, when
     * the set has more than 256 classes), then the pixel bytes, channel planes in order. For
     * CIFAR-10 read in any layout that is the hash of the official {@code test_batch.bin} (or of
     * the five training batches concatenated), so a model card says which pixels its accuracy was
     * measured on: the official ones or, for instance, a JPEG copy.
     */
    public String sha256() {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        int len = imageLength();
        for (int i = 0; i < size(); i++) {
            if (numClasses > 256) {
                digest.update(ByteBuffer.allocate(4).putInt(labels[i]).array());
            } else {
                digest.update((byte) labels[i]);
            }
            digest.update(pixels, i * len, len);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The first {@code count} images as a new set. */
    public ImageSet head(int count) {
        if (count < 0 || count > size()) {
            throw new IllegalArgumentException("cannot take " + count + " images from " + size());
        }
        return new ImageSet(name, split, channels, height, width,
                Arrays.copyOf(pixels, count * imageLength()), Arrays.copyOf(labels, count), numClasses);
    }
}
