package org.flipstorm.zoo.train;

import java.util.SplittableRandom;

/** Seeded random class rows for the {@code cosine_random} ablation of the text-guided head. */
public final class RandomRows {
    /** Prefix of the row source recorded in the model card, followed by the seed. */
    public static final String SOURCE_ID = "random-unit-gaussian/seed=";

    private RandomRows() {}

    /**
     * {@code rows} vectors of {@code dims} standard Gaussian draws, each scaled to unit L2 norm; the
     * same (rows, dims, seed) always gives the same matrix.
     */
    public static float[][] unitGaussian(int rows, int dims, long seed) {
        if (rows < 2 || dims < 1) {
            throw new IllegalArgumentException(rows + " x " + dims + " random rows; expected >= 2 rows of >= 1 values");
        }
        // A stream of its own: the network's initialisation also derives from the seed.
        SplittableRandom random = new SplittableRandom(seed ^ 0x5EED_C051_4E00L);
        float[][] out = new float[rows][dims];
        for (int r = 0; r < rows; r++) {
            double[] v = new double[dims];
            double norm = 0;
            for (int k = 0; k < dims; k++) {
                v[k] = gaussian(random);
                norm += v[k] * v[k];
            }
            norm = Math.sqrt(norm);
            for (int k = 0; k < dims; k++) {
                out[r][k] = (float) (v[k] / norm);
            }
        }
        return out;
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller: SplittableRandom has no nextGaussian before Java 17's RandomGenerator default.
        double u1 = 1 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
