package org.flipstorm.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;
import org.flipstorm.zoo.data.ImageSet;
import org.flipstorm.zoo.nets.ResNetCifar;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The histograms a campaign stores equal a plain count over every activation value: the range of
 * each site from all the images (taken natively), then equal-width bins over it.
 */
class ActivationHistogramTest {
    @BeforeAll
    static void fastPath() {
        Dl4jRuntime.configure();
    }

    @Test
    void binsEqualAPlainCountOverAllImages() {
        InjectableNetwork net = InjectableNetworks.of(ResNetCifar.build(new ResNetCifar.Options(1, 16, 16, 3, 10, 0.1, 0, 6)));
        SplittableRandom r = new SplittableRandom(8);
        int images = 10;
        byte[] pixels = new byte[images * 3 * 16 * 16];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) r.nextInt(256);
        }
        ImageSet data = new ImageSet("noise", "test", 3, 16, 16, pixels, new int[images], 10);
        int bins = 16;
        // batches of 4 over 10 images: the range must come from every batch, not the first
        List<ActivationHistogram.Bin> got = ActivationHistogram.compute(net, data, null, images, 4, bins);

        // the same batches (oneDNN's last bits depend on the batch), their values put together
        GoldenPass[] passes = {net.golden(data.features(new int[] {0, 1, 2, 3}, null)),
                net.golden(data.features(new int[] {4, 5, 6, 7}, null)), net.golden(data.features(new int[] {8, 9}, null))};
        assertEquals(net.size() * bins, got.size());
        for (int s = 0; s < net.size(); s++) {
            int site = s;
            float[] v = concat(java.util.Arrays.stream(passes).map(p -> p.activations()[site].dup('c').data().asFloat())
                    .toList());
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (float x : v) {
                lo = Math.min(lo, x);
                hi = Math.max(hi, x);
            }
            long[] counts = new long[bins];
            double width = (hi - lo) / bins;
            for (float x : v) {
                counts[width > 0 ? (int) Math.min(bins - 1, Math.floor((x - lo) / width)) : 0]++;
            }
            for (int b = 0; b < bins; b++) {
                ActivationHistogram.Bin bin = got.get(s * bins + b);
                String where = net.names().get(s) + " bin " + b;
                assertEquals(s, bin.site(), where);
                assertEquals(lo + b * width, bin.low(), 1e-12 * Math.max(1, Math.abs(lo)), where);
                assertEquals(counts[b], bin.count(), where);
            }
        }
    }

    private static float[] concat(List<float[]> parts) {
        float[] out = new float[parts.stream().mapToInt(p -> p.length).sum()];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
