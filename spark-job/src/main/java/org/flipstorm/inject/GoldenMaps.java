package org.flipstorm.inject;

import java.nio.FloatBuffer;
import java.util.IdentityHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What a {@link Cone} reads of the golden pass: each vertex's clean map, read in place as floats,
 * and windows of it cut out for the rows of a run, or a run's window pasted back into it.
 * Float views are made once per golden pass and kept until the next one. Not thread-safe.
 */
final class GoldenMaps {
    private final int[] siteOfVertex;
    private final int inputVertex;
    private final Map<INDArray, View> views = new IdentityHashMap<>();
    private GoldenPass golden;

    GoldenMaps(int[] siteOfVertex, int inputVertex) {
        this.siteOfVertex = siteOfVertex;
        this.inputVertex = inputVertex;
    }

    /** Reads {@code pass} from now on (the views of the one before are dropped when it changes). */
    void use(GoldenPass pass) {
        if (golden != pass) {
            views.clear();
            golden = pass;
        }
    }

    /** The clean map of vertex {@code v}, every image of the golden pass. */
    INDArray map(int v) {
        return v == inputVertex ? golden.input() : golden.activations()[siteOfVertex[v]];
    }

    /** A flat float view of a golden array (a contiguous c-order copy if it is not one already). */
    FloatBuffer view(INDArray a) {
        return views.computeIfAbsent(a, k -> {
            INDArray c = FloatArrays.contiguous(k);
            // A view of the native memory, no copy; the entry keeps the array alive while it is used.
            return new View(c, c.data().asNioFloat());
        }).floats();
    }

    /**
     * The values of vertex {@code u} at a window (per-row {@code top}/{@code left}, common size) of
     * each row: {@code over}'s values where it has them, golden elsewhere, zero outside the map
     * (the padding of a convolution).
     */
    float[] crop(int u, int[] images, ConeWindow over, int[] top, int[] left, int h, int w) {
        INDArray map = map(u);
        FloatBuffer gold = view(map);
        int channels = (int) map.size(1);
        int mapH = (int) map.size(2);
        int mapW = (int) map.size(3);
        int rows = images.length;
        float[] out = new float[rows * channels * h * w];
        for (int r = 0; r < rows; r++) {
            int x0 = Math.max(0, left[r]);
            int x1 = Math.min(mapW, left[r] + w);
            for (int c = 0; c < channels; c++) {
                int at = (r * channels + c) * h * w;
                for (int y = 0; y < h; y++) {
                    int my = top[r] + y;
                    if (my < 0 || my >= mapH || x1 <= x0) {
                        continue;
                    }
                    int base = ((images[r] * channels + c) * mapH + my) * mapW;
                    gold.get(base + x0, out, at + y * w + (x0 - left[r]), x1 - x0);
                }
            }
            if (over != null) {
                FloatBuffer ov = over.floats();
                int oy0 = Math.max(top[r], over.top[r]);
                int oy1 = Math.min(top[r] + h, over.top[r] + over.height);
                int ox0 = Math.max(left[r], over.left[r]);
                int ox1 = Math.min(left[r] + w, over.left[r] + over.width);
                for (int c = 0; c < channels && ox1 > ox0; c++) {
                    for (int y = oy0; y < oy1; y++) {
                        int src = ((r * channels + c) * over.height + (y - over.top[r])) * over.width
                                + (ox0 - over.left[r]);
                        int dst = ((r * channels + c) * h + (y - top[r])) * w + (ox0 - left[r]);
                        ov.get(src, out, dst, ox1 - ox0);
                    }
                }
            }
        }
        return out;
    }

    /** The golden map of vertex {@code u} for the rows' images, with the window pasted in. */
    INDArray paste(ConeWindow w, int u, int[] images, Scratch scratch) {
        int[] top = new int[images.length];
        int[] left = new int[images.length];
        float[] data = crop(u, images, w, top, left, w.mapHeight, w.mapWidth);
        INDArray pasted = scratch.add(array(data, images.length, w.channels, w.mapHeight, w.mapWidth));
        return scratch.add(pasted.castTo(map(u).dataType()));
    }

    /**
     * A native c-order float array holding {@code data}, copied in one bulk move: faster than
     * {@code Nd4j.create(float[], ...)}, which zeroes the new array and then stores element by element.
     */
    static INDArray array(float[] data, long... shape) {
        INDArray a = Nd4j.createUninitialized(DataType.FLOAT, shape, 'c');
        a.data().asNioFloat().put(data);
        return a;
    }

    /** A float view of an array's native memory, with the array that owns it. */
    private record View(INDArray owner, FloatBuffer floats) {}
}
