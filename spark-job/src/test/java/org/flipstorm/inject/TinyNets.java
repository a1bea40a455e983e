package org.flipstorm.inject;

import java.util.SplittableRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.flipstorm.zoo.nets.LeNet;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Small deterministic fixtures for engine tests: a narrow LeNet with seeded weights and seeded images. */
final class TinyNets {
    private TinyNets() {}

    /** LeNet with 4 and 8 filters and 32 hidden units on 28x28x1, weights from seed 11. */
    static MultiLayerNetwork lenet() {
        return LeNet.build(new LeNet.Options(1, 28, 28, 10, 4, 8, 32, 1e-3, 0, 11));
    }

    /** {@code n} images of uniform noise in [0, 1), drawn with {@link SplittableRandom} (ND4J's RNG differs across runs). */
    static INDArray images(int n, long seed) {
        return SuffixNoise.images(seed, n, 1, 28, 28);
    }
}
