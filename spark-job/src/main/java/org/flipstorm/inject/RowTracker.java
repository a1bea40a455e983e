package org.flipstorm.inject;

import java.util.Arrays;
import java.util.function.LongUnaryOperator;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Early masking: follows each fault's single perturbed value through the vertices that move it to
 * exactly one output position (batch norm, activations, pooling whose windows do not overlap, an
 * elementwise add with an unperturbed operand), and drops a faulty row from the suffix batch as
 * soon as that value equals its clean row's (a ReLU zeroed it, a max-pool ignored it). Every other
 * value of such a row was computed from the same inputs as the clean row's, so the whole row, and
 * everything after it, equals the clean row: the fault is masked and need not run further. Its
 * output is copied from its clean row at the end.
 *
 * <p>A faulty row may instead take its image in the golden pass as its clean row ({@link #GOLDEN}):
 * the vertices followed here compute each output from the input at the same position (and
 * per-channel constants), so a value computed in another batch is the same bits.
 *
 * <p>Tracking stops at the first vertex that spreads the value (a convolution or dense layer) or
 * whose input has other consumers.
 */
final class RowTracker {
    /** Returned by an index map when the value is not in the output at all. */
    static final long GONE = -1;
    /** Returned when the value spreads to several outputs: tracking ends. */
    static final long SPREADS = -2;
    /** In {@code cleanOf}: a clean row. */
    static final int CLEAN = -1;
    /** In {@code cleanOf}: a faulty row whose reference is its image in the golden pass, not a row of the batch. */
    static final int GOLDEN = -2;

    private final int[] cleanOf;
    private final int[] images;
    private int[] orig;
    private long[] index;
    private int[] rowImages;
    private boolean active = true;

    /**
     * @param cleanOf for each batch row, the row of its clean copy, {@link #CLEAN} for a clean row, or
     *     {@link #GOLDEN} for a faulty row compared with the golden pass
     * @param neuronOf for each batch row, the flat per-image index of its perturbed value (ignored for clean rows)
     * @param rowImages for each batch row, its image in the golden pass (may be null without {@link #GOLDEN} rows)
     */
    RowTracker(int[] cleanOf, long[] neuronOf, int[] rowImages) {
        this.cleanOf = cleanOf.clone();
        for (int c : cleanOf) {
            if (c == GOLDEN && rowImages == null) {
                throw new IllegalArgumentException("rows compared with the golden pass need their images");
            }
        }
        this.images = rowImages == null ? null : rowImages.clone();
        this.orig = new int[cleanOf.length];
        for (int i = 0; i < orig.length; i++) {
            orig[i] = i;
        }
        this.index = neuronOf.clone();
        this.rowImages = rowImages == null ? null : rowImages.clone();
    }

    /** True while rows can still be dropped. */
    boolean active() {
        return active;
    }

    /** Stops tracking (the next vertex spreads values). */
    void stop() {
        active = false;
    }

    /** Golden images of the rows still in the batch. */
    int[] rowImages() {
        return rowImages;
    }

    /** Rows dropped so far. */
    int dropped() {
        return cleanOf.length - orig.length;
    }

    /** Rows still in the batch. */
    int rows() {
        return orig.length;
    }

    /**
     * Maps each row's perturbed index through one vertex, drops the rows whose value vanished or
     * equals the clean row's, and returns {@code act} without them: null when no row is left (the
     * caller stops there and calls {@link #expand}).
     *
     * @param golden the golden pass's output of this vertex, every image (what {@link #GOLDEN} rows
     *     are compared with); may be null when there are none
     */
    INDArray step(LongUnaryOperator map, INDArray act, INDArray golden) {
        long perImage = act.length() / act.size(0);
        INDArray flat = act.reshape('c', act.size(0), perImage);
        INDArray goldenFlat = golden == null ? null : golden.reshape('c', golden.size(0), perImage);
        int[] pos = positions();
        boolean[] keep = new boolean[orig.length];
        int kept = 0;
        for (int p = 0; p < orig.length; p++) {
            int clean = cleanOf[orig[p]];
            if (clean == CLEAN || (clean == GOLDEN && goldenFlat == null)) {
                keep[p] = true;
            } else {
                long i = map.applyAsLong(index[p]);
                if (i == SPREADS) {
                    active = false;
                    return act;
                }
                index[p] = i;
                float reference = i == GONE ? 0f
                        : clean == GOLDEN ? goldenFlat.getFloat(rowImages[p], i) : flat.getFloat(pos[clean], i);
                keep[p] = i != GONE && Float.floatToRawIntBits(flat.getFloat(p, i)) != Float.floatToRawIntBits(reference);
            }
            kept += keep[p] ? 1 : 0;
        }
        if (kept == orig.length) {
            return act;
        }
        if (kept == 0) {
            // Only rows compared with the golden pass can all go (a clean row always stays).
            orig = new int[0];
            index = new long[0];
            rowImages = rowImages == null ? null : new int[0];
            active = false;
            return null;
        }
        int[] keepRows = new int[kept];
        int k = 0;
        for (int p = 0; p < orig.length; p++) {
            if (keep[p]) {
                keepRows[k++] = p;
            }
        }
        orig = select(orig, keepRows);
        index = selectLong(index, keepRows);
        if (rowImages != null) {
            rowImages = select(rowImages, keepRows);
        }
        return Rows.gather(act, keepRows);
    }

    /**
     * The output for every original row: kept rows as computed, dropped rows as their clean row
     * (or, for {@link #GOLDEN} rows, their image's row of {@code goldenOut}, the golden pass's
     * network output; may be null when there are none).
     */
    INDArray expand(INDArray out, INDArray goldenOut) {
        if (orig.length == cleanOf.length) {
            return out;
        }
        if (out == null) {
            return Rows.gather(goldenOut, images);
        }
        int[] pos = positions();
        int[] rows = new int[cleanOf.length];
        boolean anyGolden = false;
        for (int r = 0; r < rows.length; r++) {
            if (pos[r] >= 0) {
                rows[r] = pos[r];
            } else if (cleanOf[r] == GOLDEN) {
                rows[r] = (int) out.size(0) + images[r];
                anyGolden = true;
            } else {
                rows[r] = pos[cleanOf[r]];
            }
        }
        INDArray source = anyGolden ? Nd4j.concat(0, out, goldenOut.castTo(out.dataType())) : out;
        return Rows.gather(source, rows);
    }

    /** Original row -> current position (-1 when dropped). */
    private int[] positions() {
        int[] pos = new int[cleanOf.length];
        Arrays.fill(pos, -1);
        for (int p = 0; p < orig.length; p++) {
            pos[orig[p]] = p;
        }
        return pos;
    }

    private static int[] select(int[] a, int[] rows) {
        int[] out = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = a[rows[i]];
        }
        return out;
    }

    private static long[] selectLong(long[] a, int[] rows) {
        long[] out = new long[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = a[rows[i]];
        }
        return out;
    }

    /**
     * How a layer moves a single perturbed value: identity for elementwise layers, the window's
     * output position for pooling with non-overlapping windows (NCHW, no padding), or SPREADS.
     *
     * @param inShape one image's input shape (C, H, W for images)
     * @param outShape one image's output shape
     */
    static LongUnaryOperator indexMap(org.deeplearning4j.nn.conf.layers.Layer conf, long[] inShape, long[] outShape) {
        if (conf instanceof ActivationLayer act && act.getActivationFn() instanceof ActivationSoftmax) {
            return i -> SPREADS;
        }
        if (conf instanceof BatchNormalization || conf instanceof ActivationLayer || conf instanceof DropoutLayer) {
            return i -> i;
        }
        if (conf instanceof SubsamplingLayer pool && inShape.length == 3 && outShape.length == 3
                && pool.getCnn2dDataFormat() == CNN2DFormat.NCHW
                && pool.getKernelSize()[0] == pool.getStride()[0] && pool.getKernelSize()[1] == pool.getStride()[1]
                && pool.getPadding()[0] == 0 && pool.getPadding()[1] == 0
                && pool.getDilation()[0] == 1 && pool.getDilation()[1] == 1
                && pool.getConvolutionMode() != ConvolutionMode.Same) {
            long h = inShape[1];
            long w = inShape[2];
            long oh = outShape[1];
            long ow = outShape[2];
            int kh = pool.getKernelSize()[0];
            int kw = pool.getKernelSize()[1];
            return i -> {
                long c = i / (h * w);
                long y = (i / w) % h / kh;
                long x = i % w / kw;
                return y < oh && x < ow ? (c * oh + y) * ow + x : GONE;
            };
        }
        return i -> SPREADS;
    }
}
