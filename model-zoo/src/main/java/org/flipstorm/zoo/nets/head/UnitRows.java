package org.flipstorm.zoo.nets.head;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * L2 norms of the rows of a float matrix that neither overflow nor underflow.
 *
 * <p>The plain {@code sqrt(sum x^2)} overflows to +Inf in float32 as soon as one |x| passes about
 * 1.8e19 (a bit-30 flip of a value near 1 reaches 1e38), which made every cosine 0 and the output
 * uniform. Rows whose sum of squares is not a normal finite float are recomputed as
 * {@code m * sqrt(sum (x/m)^2)} with {@code m = max |x|}, which is exact up to rounding for any
 * finite non-zero row (an all-zero row keeps the tiny epsilon); all other rows keep the plain formula, so outputs on ordinary inputs are bit for
 * bit what they were.
 */
public final class UnitRows {
    /** Keeps the norm of an all-zero row away from zero (as before the rescaled path existed). */
    static final double EPS = 1e-12;

    private UnitRows() {}

    /** Norm of each row of {@code x} (n x E) as an n x 1 column, safe for huge and tiny rows. */
    public static INDArray norms(INDArray x) {
        INDArray sumSq = x.mul(x).sum(true, 1);
        INDArray norm = Transforms.sqrt(sumSq.add(EPS), false);
        float[] s = sumSq.toFloatVector();
        for (int r = 0; r < s.length; r++) {
            if (!(s[r] >= Float.MIN_NORMAL && s[r] < Float.POSITIVE_INFINITY)) {
                INDArray row = x.get(NDArrayIndex.interval(r, r + 1), NDArrayIndex.all());
                double m = row.amaxNumber().doubleValue();
                if (m > 0 && Double.isFinite(m)) {
                    double scaled = row.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).div(m).norm2Number()
                            .doubleValue();
                    norm.putScalar(r, 0, m * scaled);
                }
            }
        }
        return norm;
    }

    /**
     * The gradient through u = x / ||x||: dL/dx = (dL/du - u (u . dL/du)) / ||x||, row by row.
     *
     * @param dUnit dL/du
     * @param unit u
     * @param norm ||x|| as a column ({@link #norms})
     */
    public static INDArray inputGradient(INDArray dUnit, INDArray unit, INDArray norm) {
        INDArray along = dUnit.mul(unit).sum(true, 1);
        return dUnit.sub(unit.mulColumnVector(along)).divColumnVector(norm);
    }

    /** {@code x} with each row divided by its norm. */
    public static INDArray unit(INDArray x) {
        return x.divColumnVector(norms(x));
    }
}
