package org.flipstorm.zoo.train;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.flipstorm.zoo.data.ImageSet;
import org.flipstorm.zoo.data.Normalization;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Clean accuracy and margin of a network on an image set. */
public final class Evaluation {
    private Evaluation() {}

    /**
     * Clean results over a set.
     *
     * @param accuracy fraction of images whose top-1 prediction equals the label
     * @param meanTop2Diff mean of (p1 - p2) x 100, the gap between the two highest softmax outputs
     * @param images images evaluated
     */
    public record Result(double accuracy, double meanTop2Diff, int images) {}

    /** Fraction of {@code data}'s images whose top-1 prediction equals the label ([0, 1] inputs). */
    public static double accuracy(Model net, ImageSet data, int batchSize) {
        return evaluate(net, data, null, batchSize).accuracy();
    }

    /** Accuracy and mean top-2 margin of {@code net} on {@code data}, normalised by {@code norm} (may be null). */
    public static Result evaluate(Model net, ImageSet data, Normalization norm, int batchSize) {
        int correct = 0;
        double marginSum = 0;
        for (int start = 0; start < data.size(); start += batchSize) {
            int n = Math.min(batchSize, data.size() - start);
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) {
                idx[i] = start + i;
            }
            INDArray out = output(net, data.features(idx, norm));
            float[][] p = out.toFloatMatrix();
            for (int i = 0; i < n; i++) {
                int best = 0;
                float p1 = Float.NEGATIVE_INFINITY;
                float p2 = Float.NEGATIVE_INFINITY;
                for (int c = 0; c < p[i].length; c++) {
                    float v = p[i][c];
                    if (v > p1) {
                        p2 = p1;
                        p1 = v;
                        best = c;
                    } else if (v > p2) {
                        p2 = v;
                    }
                }
                if (best == data.label(start + i)) {
                    correct++;
                }
                marginSum += (p1 - p2) * 100.0;
            }
        }
        int size = data.size();
        return new Result(size == 0 ? Double.NaN : correct / (double) size, size == 0 ? Double.NaN : marginSum / size,
                size);
    }

    /** Softmax output of either kind of network, inference mode. */
    public static INDArray output(Model net, INDArray features) {
        if (net instanceof MultiLayerNetwork mln) {
            return mln.output(features, false);
        }
        if (net instanceof ComputationGraph cg) {
            return cg.outputSingle(false, features);
        }
        throw new IllegalArgumentException("cannot run " + net.getClass().getName()
                + "; expected a MultiLayerNetwork or a ComputationGraph");
    }
}
