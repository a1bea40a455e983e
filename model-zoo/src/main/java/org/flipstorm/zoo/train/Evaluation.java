package org.flipstorm.zoo.train;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.flipstorm.zoo.data.ImageSet;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Clean-accuracy measurement of a network on an image set. */
public final class Evaluation {
    private Evaluation() {}

    /** Fraction of {@code data}'s images whose top-1 prediction equals the label. */
    public static double accuracy(MultiLayerNetwork net, ImageSet data, int batchSize) {
        int correct = 0;
        for (int start = 0; start < data.size(); start += batchSize) {
            int n = Math.min(batchSize, data.size() - start);
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) {
                idx[i] = start + i;
            }
            INDArray out = net.output(data.features(idx), false);
            long[] top1 = out.argMax(1).toLongVector();
            for (int i = 0; i < n; i++) {
                if (top1[i] == data.label(start + i)) {
                    correct++;
                }
            }
        }
        return data.size() == 0 ? Double.NaN : correct / (double) data.size();
    }
}
