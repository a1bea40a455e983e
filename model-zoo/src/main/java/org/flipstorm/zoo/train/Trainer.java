package org.flipstorm.zoo.train;

import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.flipstorm.zoo.data.Augmentation;
import org.flipstorm.zoo.data.ImageSet;
import org.flipstorm.zoo.data.Normalization;
import org.flipstorm.zoo.runtime.NativeCollector;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Minibatch training loop for a {@link MultiLayerNetwork} or a {@link ComputationGraph}. The
 * shuffle and the augmentation of epoch {@code e} depend only on (seed, e), so a run resumed from a
 * checkpoint sees the same batches as one that was never interrupted.
 */
public final class Trainer {
    private final Model net;
    private final ImageSet data;
    private final int batchSize;
    private final long seed;
    private final Normalization norm;
    private final Augmentation augmentation;
    private Consumer<String> progress = s -> {};
    private double progressEverySeconds = 30;
    private NativeCollector collector = new NativeCollector(0, 0);

    /** Statistics of one epoch: mean minibatch loss, wall time and throughput. */
    public record EpochStats(int epoch, double meanLoss, double seconds, double imagesPerSecond) {}

    /** A trainer without normalisation or augmentation. */
    public Trainer(Model net, ImageSet data, int batchSize, long seed) {
        this(net, data, batchSize, seed, null, Augmentation.NONE);
    }

    /**
     * Creates a trainer.
     *
     * @param norm input normalisation (null: [0, 1] pixels)
     * @param augmentation training augmentation
     */
    public Trainer(Model net, ImageSet data, int batchSize, long seed, Normalization norm, Augmentation augmentation) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size " + batchSize + " must be >= 1");
        }
        if (!(net instanceof MultiLayerNetwork) && !(net instanceof ComputationGraph)) {
            throw new IllegalArgumentException("cannot train " + net.getClass().getName()
                    + "; expected a MultiLayerNetwork or a ComputationGraph");
        }
        this.net = net;
        this.data = data;
        this.batchSize = batchSize;
        this.seed = seed;
        this.norm = norm;
        this.augmentation = augmentation;
    }

    /** Sends a line about the running epoch to {@code sink} at most every {@code seconds}. */
    public Trainer progress(Consumer<String> sink, double seconds) {
        this.progress = sink;
        this.progressEverySeconds = seconds;
        return this;
    }

    /**
     * Asks the JVM for a full collection when {@code seconds} have passed or the process has grown
     * by {@code growthBytes} since the last one (0: that limit off; both 0: never), so ND4J frees
     * the native memory of spent arrays ({@link NativeCollector}).
     */
    public Trainer collectEvery(double seconds, long growthBytes) {
        this.collector = new NativeCollector(seconds, growthBytes);
        return this;
    }

    /** Full collections asked for since the last {@link #collectEvery}. */
    public long collections() {
        return collector.collections();
    }

    /** Batches per epoch. */
    public int batchesPerEpoch() {
        return (data.size() + batchSize - 1) / batchSize;
    }

    /** Runs epoch {@code epoch} (numbered from 1) over its permutation of the data. */
    public EpochStats epoch(int epoch) {
        int n = data.size();
        int[] order = permutation(n, new SplittableRandom(seed * 31 + epoch));
        long t0 = System.nanoTime();
        long lastReport = t0;
        double lossSum = 0;
        int batches = 0;
        int total = batchesPerEpoch();
        for (int start = 0; start < n; start += batchSize) {
            int m = Math.min(batchSize, n - start);
            int[] idx = new int[m];
            System.arraycopy(order, start, idx, 0, m);
            DataSet ds = new DataSet(data.features(idx, norm, augmentation, seed, epoch), data.oneHot(idx));
            if (net instanceof MultiLayerNetwork mln) {
                mln.fit(ds);
            } else {
                ((ComputationGraph) net).fit(ds);
            }
            double loss = net.score();
            if (!Double.isFinite(loss)) {
                throw new IllegalStateException("training diverged: loss " + loss + " at epoch " + epoch + ", batch "
                        + (batches + 1) + "; lower the learning rate");
            }
            lossSum += loss;
            batches++;
            long now = System.nanoTime();
            collector.tick();
            if ((now - lastReport) / 1e9 >= progressEverySeconds && batches < total) {
                lastReport = now;
                double secs = (now - t0) / 1e9;
                progress.accept(String.format(java.util.Locale.ROOT,
                        "  epoch %d: batch %d/%d  loss %.4f  %.0f img/s  epoch ETA %.0f s", epoch, batches, total,
                        lossSum / batches, (start + m) / secs, secs / batches * (total - batches)));
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        return new EpochStats(epoch, lossSum / batches, secs, n / secs);
    }

    private static int[] permutation(int n, SplittableRandom random) {
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
        return order;
    }
}
