package org.flipstorm.zoo.train;

import java.util.SplittableRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.flipstorm.zoo.data.ImageSet;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/** Minibatch training loop with a seeded shuffle; one call to {@link #epoch()} per epoch. */
public final class Trainer {
    private final MultiLayerNetwork net;
    private final ImageSet data;
    private final int batchSize;
    private final SplittableRandom random;

    /** Statistics of one epoch. */
    public record EpochStats(double meanLoss, double accuracy, double seconds, double imagesPerSecond) {}

    /** Creates a trainer; the shuffle order is fixed by {@code seed}. */
    public Trainer(MultiLayerNetwork net, ImageSet data, int batchSize, long seed) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size " + batchSize + " must be >= 1");
        }
        this.net = net;
        this.data = data;
        this.batchSize = batchSize;
        this.random = new SplittableRandom(seed);
    }

    /** Runs one epoch over a fresh permutation of the data. */
    public EpochStats epoch() {
        int n = data.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        long t0 = System.nanoTime();
        double lossSum = 0;
        int batches = 0;
        int correct = 0;
        for (int start = 0; start < n; start += batchSize) {
            int m = Math.min(batchSize, n - start);
            int[] idx = new int[m];
            System.arraycopy(order, start, idx, 0, m);
            DataSet ds = new DataSet(data.features(idx), data.oneHot(idx));
            net.fit(ds);
            lossSum += net.score();
            batches++;
            // The network keeps the last batch's output only in training mode; a cheap proxy for
            // train accuracy is the prediction on this batch after the update.
            INDArray out = net.output(ds.getFeatures(), false);
            long[] top1 = out.argMax(1).toLongVector();
            for (int i = 0; i < m; i++) {
                if (top1[i] == data.label(idx[i])) {
                    correct++;
                }
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        return new EpochStats(lossSum / batches, correct / (double) n, secs, n / secs);
    }
}
