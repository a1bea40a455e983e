package org.flipstorm.zoo.data;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Arrays;

/**
 * Per-channel input normalisation, {@code (x - mean[c]) / std[c]} on pixels scaled to [0, 1]. The
 * values are computed from a training split and stored in the model card, so every reader of the
 * model (evaluation, campaigns, profiling) feeds it the inputs it was trained on.
 *
 * @param mean per-channel mean of the [0, 1] pixel values
 * @param std per-channel standard deviation, each > 0
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Normalization(float[] mean, float[] std) implements java.io.Serializable {
    /** Checks that both arrays have one positive-spread entry per channel. */
    public Normalization {
        if (mean == null || std == null || mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("normalisation needs one mean and one std per channel, got "
                    + (mean == null ? "no" : mean.length) + " means and " + (std == null ? "no" : std.length)
                    + " stds");
        }
        for (int c = 0; c < std.length; c++) {
            if (!(std[c] > 0) || !Float.isFinite(mean[c])) {
                throw new IllegalArgumentException("channel " + c + ": mean " + mean[c] + ", std " + std[c]
                        + "; expected a finite mean and std > 0");
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /**
     * Mean and (population) standard deviation of every channel over {@code images} images of
     * {@code c} channels x {@code plane} pixels, stored NCHW as unsigned bytes in {@code px}.
     */
    public static Normalization of(byte[] px, int images, int c, int plane) {
        double[] sum = new double[c];
        double[] sq = new double[c];
        for (int n = 0; n < images; n++) {
            int base = n * c * plane;
            for (int ch = 0; ch < c; ch++) {
                long s = 0;
                long s2 = 0;
                for (int i = 0, o = base + ch * plane; i < plane; i++, o++) {
                    int v = px[o] & 0xFF;
                    s += v;
                    s2 += (long) v * v;
                }
                sum[ch] += s;
                sq[ch] += s2;
            }
        }
        double count = (double) images * plane;
        float[] mean = new float[c];
        float[] std = new float[c];
        for (int ch = 0; ch < c; ch++) {
            double m = sum[ch] / count;
            double var = Math.max(0, sq[ch] / count - m * m);
            mean[ch] = (float) (m / 255.0);
            std[ch] = (float) (Math.sqrt(var) / 255.0);
        }
        return new Normalization(mean, std);
    }

    /** Number of channels. */
    public int channels() {
        return mean.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalization n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Normalization[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
