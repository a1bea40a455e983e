package org.flipstorm.inject;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The value of one vertex for the rows of a {@link Cone} run: a window of every channel, the same
 * size for every row but placed per row; outside it the vertex has its golden value.
 */
final class ConeWindow {
    final int channels;
    final int mapHeight;
    final int mapWidth;
    int height;
    int width;
    int[] top;
    int[] left;
    /** [rows, channels, height, width], c order, float. */
    private INDArray values;
    private FloatBuffer floats;
    /** Per row: does any value in the window differ from the golden pass? */
    boolean[] differs;

    ConeWindow(int channels, int mapHeight, int mapWidth) {
        this.channels = channels;
        this.mapHeight = mapHeight;
        this.mapWidth = mapWidth;
    }

    /** Takes {@code v} as the values (a contiguous float copy, closed with {@code scratch}, if it is not one). */
    void set(INDArray v, Scratch scratch) {
        INDArray c = FloatArrays.contiguous(v);
        values = c == v ? v : scratch.add(c);
        floats = null;
    }

    INDArray values() {
        return values;
    }

    /** The values as a view of their native memory (no copy). */
    FloatBuffer floats() {
        if (floats == null) {
            floats = values.data().asNioFloat();
        }
        return floats;
    }
}
