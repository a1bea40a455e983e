package org.flipstorm.zoo.data;

import java.util.SplittableRandom;

/**
 * Training augmentation for CIFAR-style images: a random crop of the image padded by {@code pad}
 * zero pixels on each side (same size as the input) and a horizontal flip with probability 1/2.
 * The choice for an image depends only on (seed, epoch, image index), so a resumed run draws the
 * same augmentations as an uninterrupted one.
 *
 * @param pad padding in pixels (4 for CIFAR), 0 for no cropping
 * @param flip whether to flip horizontally
 */
public record Augmentation(int pad, boolean flip) {
    /** No augmentation. */
    public static final Augmentation NONE = new Augmentation(0, false);
    /** The standard CIFAR recipe: pad 4 and crop, random horizontal flip. */
    public static final Augmentation CIFAR = new Augmentation(4, true);
    /** Horizontal flip only, for small grey images where a 4-pixel shift removes too much. */
    public static final Augmentation FLIP = new Augmentation(0, true);

    /** Checks the padding. */
    public Augmentation {
        if (pad < 0) {
            throw new IllegalArgumentException("padding " + pad + " must be >= 0");
        }
    }

    /**
     * The augmentation a training option names: {@code none}, {@code flip} or {@code crop-flip}
     * (pad 4, crop, flip).
     */
    public static Augmentation named(String name) {
        return switch (name) {
            case "none" -> NONE;
            case "flip" -> FLIP;
            case "crop-flip" -> CIFAR;
            default -> throw new IllegalArgumentException("augmentation '" + name
                    + "' unknown; expected none, flip or crop-flip");
        };
    }

    /** What this does, in words, for cards and logs. */
    public String describe() {
        if (isNone()) {
            return "none";
        }
        String crop = pad == 0 ? "" : "pad-" + pad + " random crop";
        String mirror = flip ? "horizontal flip" : "";
        return crop.isEmpty() ? mirror : mirror.isEmpty() ? crop : crop + " + " + mirror;
    }

    /** True if this changes nothing. */
    public boolean isNone() {
        return pad == 0 && !flip;
    }

    /**
     * Writes image {@code index} of the NCHW unsigned-byte images {@code px} (each {@code channels}
     * x {@code h} x {@code w}), augmented and normalised, into {@code out} at {@code offset}.
     */
    public void apply(byte[] px, int index, int channels, int h, int w, long seed, int epoch, Normalization norm,
                      float[] out, int offset) {
        SplittableRandom r = new SplittableRandom(mix(seed, epoch, index));
        int dy = pad == 0 ? 0 : r.nextInt(2 * pad + 1) - pad;
        int dx = pad == 0 ? 0 : r.nextInt(2 * pad + 1) - pad;
        boolean mirror = flip && r.nextBoolean();
        int plane = h * w;
        int base = index * channels * plane;
        for (int c = 0; c < channels; c++) {
            float mean = norm == null ? 0f : norm.mean()[c];
            float std = norm == null ? 1f : norm.std()[c];
            float zero = -mean / std;
            for (int y = 0; y < h; y++) {
                int sy = y + dy;
                for (int x = 0; x < w; x++) {
                    int sx = (mirror ? w - 1 - x : x) + dx;
                    int o = offset + c * plane + y * w + x;
                    if (sy < 0 || sy >= h || sx < 0 || sx >= w) {
                        out[o] = zero;
                    } else {
                        int v = px[base + c * plane + sy * w + sx] & 0xFF;
                        out[o] = (v / 255f - mean) / std;
                    }
                }
            }
        }
    }

    private static long mix(long seed, int epoch, int index) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + index * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
