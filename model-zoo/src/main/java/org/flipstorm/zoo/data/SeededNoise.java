package org.flipstorm.zoo.data;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Uniform [0, 1) float arrays drawn with {@link SplittableRandom}: the same values in every run
 * and on every backend, which ND4J's own RNG does not promise.
 */
public final class SeededNoise {
    private SeededNoise() {}

    /** A C-order float array of {@code shape} filled from {@code seed}. */
    public static INDArray uniform(long[] shape, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextDouble();
        }
        return Nd4j.create(v, shape, 'c');
    }
}
