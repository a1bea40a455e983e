package org.flipstorm.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.flipstorm.zoo.data.ImageSet;
import org.flipstorm.zoo.nets.ResNetCifar;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The histograms a campaign stores equal a plain count over every finite activation value: the
 * range of each site from all the images (taken natively), then equal-width bins over it; values
 * that are not finite are left out, and a site without a finite value has no bins.
 */
class ActivationHistogramTest {
    @BeforeAll
    static void fastPath() {
        Dl4jRuntime.configure();
    }

    @Test
    void binsEqualAPlainCountOverAllImages() {
        ComputationGraph graph = ResNetCifar.build(new ResNetCifar.Options(1, 16, 16, 3, 10, 0.1, 0, 6));
        assertEquals(0, checkAgainstPlainCount(graph), "a healthy network has no non-finite activation");
    }

    @Test
    void nonFiniteValuesAreLeftOutOfRangesAndBins() {
        ComputationGraph graph = ResNetCifar.build(new ResNetCifar.Options(1, 16, 16, 3, 10, 0.1, 0, 6));
        // The stem's first filter at float's largest value: its output channel overflows to infinity
        // beside 15 finite ones; further on, infinities of both signs meet and make NaNs.
        graph.getLayer("stem_conv").getParam("W").get(NDArrayIndex.point(0)).assign(Float.MAX_VALUE);
        assertTrue(checkAgainstPlainCount(graph) > 0, "the overflowing stem made no non-finite activation");
    }

    /**
     * Compares the histograms with a plain count over the finite activation values and returns how
     * many values were not finite.
     */
    private static long checkAgainstPlainCount(ComputationGraph graph) {
        InjectableNetwork net = InjectableNetworks.of(graph);
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
        long nonFinite = 0;
        int at = 0;
        for (int s = 0; s < net.size(); s++) {
            int site = s;
            float[] v = concat(java.util.Arrays.stream(passes).map(p -> p.activations()[site].dup('c').data().asFloat())
                    .toList());
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (float x : v) {
                if (Float.isFinite(x)) {
                    lo = Math.min(lo, x);
                    hi = Math.max(hi, x);
                } else {
                    nonFinite++;
                }
            }
            if (!(lo <= hi)) {
                continue; // no finite value: the site has no bins
            }
            long[] counts = new long[bins];
            double width = (hi - lo) / bins;
            for (float x : v) {
                if (Float.isFinite(x)) {
                    counts[width > 0 ? (int) Math.min(bins - 1, Math.floor((x - lo) / width)) : 0]++;
                }
            }
            for (int b = 0; b < bins; b++) {
                ActivationHistogram.Bin bin = got.get(at++);
                String where = net.names().get(s) + " bin " + b;
                assertEquals(s, bin.site(), where);
                assertEquals(lo + b * width, bin.low(), 1e-12 * Math.max(1, Math.abs(lo)), where);
                assertEquals(counts[b], bin.count(), where);
            }
        }
        assertEquals(at, got.size(), "bins beyond the sites with finite values");
        return nonFinite;
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
