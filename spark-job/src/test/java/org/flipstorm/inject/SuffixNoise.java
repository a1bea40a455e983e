package org.flipstorm.inject;

import org.flipstorm.zoo.data.SeededNoise;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Seeded uniform noise images of any shape for engine tests. */
final class SuffixNoise {
    private SuffixNoise() {}

    static INDArray images(long seed, long... shape) {
        return SeededNoise.uniform(shape, seed);
    }
}
