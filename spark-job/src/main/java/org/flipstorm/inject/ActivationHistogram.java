package org.flipstorm.inject;

import java.lang.ref.Reference;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.flipstorm.zoo.data.ImageSet;
import org.flipstorm.zoo.data.Normalization;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Histograms of the clean activation values of every site over a set of images: a first pass finds
 * each site's range, a second counts values in {@code bins} equal-width bins over it. Values that
 * are not finite (none in a healthy network) are left out of both; a site without a finite value
 * has no bins.
 */
public final class ActivationHistogram {
    private ActivationHistogram() {}

    /**
     * One bin of one site.
     *
     * @param site site index
     * @param name site name
     * @param bin bin index, 0..bins-1
     * @param low lower edge (inclusive)
     * @param high upper edge (exclusive; the last bin includes its upper edge)
     * @param count values in the bin
     */
    public record Bin(int site, String name, int bin, double low, double high, long count) {}

    /** Histograms of the first {@code count} images of {@code data}, in batches of {@code batch}. */
    public static List<Bin> compute(InjectableNetwork net, ImageSet data, Normalization norm, int count, int batch,
                                    int bins) {
        if (count < 1 || count > data.size() || batch < 1 || bins < 1) {
            throw new IllegalArgumentException("cannot histogram " + count + " of " + data.size() + " images in batches"
                    + " of " + batch + " with " + bins + " bins");
        }
        int n = net.size();
        double[] min = new double[n];
        double[] max = new double[n];
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        forEachBatch(net, data, norm, count, batch, (site, a) -> {
            double lo = a.minNumber().doubleValue();
            double hi = a.maxNumber().doubleValue();
            if (Double.isFinite(lo) && Double.isFinite(hi)) {
                // Finite extremes: no infinity, and a NaN, if any, was passed over as the loop below does.
                min[site] = Math.min(min[site], lo);
                max[site] = Math.max(max[site], hi);
            } else {
                INDArray c = FloatArrays.contiguous(a);
                FloatBuffer values = c.data().asNioFloat();
                for (int i = 0, length = (int) c.length(); i < length; i++) {
                    float v = values.get(i);
                    if (Float.isFinite(v)) {
                        min[site] = Math.min(min[site], v);
                        max[site] = Math.max(max[site], v);
                    }
                }
                Reference.reachabilityFence(c);
            }
        });
        long[][] counts = new long[n][bins];
        forEachBatch(net, data, norm, count, batch, (site, a) -> {
            if (!(min[site] <= max[site])) {
                return;
            }
            INDArray c = FloatArrays.contiguous(a);
            FloatBuffer values = c.data().asNioFloat();
            double width = (max[site] - min[site]) / bins;
            double lo = min[site];
            long[] siteCounts = counts[site];
            for (int i = 0, length = (int) c.length(); i < length; i++) {
                float v = values.get(i);
                if (Float.isFinite(v)) {
                    int b = width > 0 ? (int) Math.min(bins - 1, (v - lo) / width) : 0;
                    siteCounts[b]++;
                }
            }
            // The buffer is a view of c's native memory and does not keep c alive by itself.
            Reference.reachabilityFence(c);
        });
        List<Bin> out = new ArrayList<>(n * bins);
        for (int s = 0; s < n; s++) {
            if (!(min[s] <= max[s])) {
                continue;
            }
            double width = (max[s] - min[s]) / bins;
            for (int b = 0; b < bins; b++) {
                double low = min[s] + b * width;
                double high = b == bins - 1 ? max[s] : min[s] + (b + 1) * width;
                out.add(new Bin(s, net.names().get(s), b, low, high, counts[s][b]));
            }
        }
        return out;
    }

    private interface SiteValues {
        void accept(int site, INDArray values);
    }

    private static void forEachBatch(InjectableNetwork net, ImageSet data, Normalization norm, int count, int batch,
                                     SiteValues sink) {
        for (int start = 0; start < count; start += batch) {
            int[] idx = IntStream.range(start, Math.min(count, start + batch)).toArray();
            try (GoldenPass g = net.golden(data.features(idx, norm))) {
                for (int s = 0; s < net.size(); s++) {
                    sink.accept(s, g.activations()[s]);
                }
            }
        }
    }
}
