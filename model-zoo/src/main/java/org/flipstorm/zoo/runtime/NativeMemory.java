package org.flipstorm.zoo.runtime;

import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Giving ND4J arrays' native memory back as soon as a loop is done with them, rather than when the
 * Java collector finds them.
 *
 * <p>Memory given back this way is reused by the next array of the same size without the kernel's
 * help; memory the collector frees later has meanwhile been replaced by fresh pages, and every
 * fresh page costs a page fault and a zeroing. A ResNet-20 golden pass of 128 images (every
 * vertex's output kept, each computed from copies of its inputs) took 2.0-2.4 s that way, against
 * 0.15 s for DL4J's own inference of the same batch; closing the copies and the previous pass
 * brought it to 0.24 s (2026-12-05, docs/PERFORMANCE.md).
 *
 * <p>Whether two arrays share memory is decided on native address ranges, not object identity:
 * a layer may return its input, a view of it, or work in place on it.
 */
public final class NativeMemory {
    private NativeMemory() {}

    /** [first byte, one past the last byte) of a buffer's native memory. */
    public static long[] range(DataBuffer b) {
        long start = b.address();
        return new long[] {start, start + Math.max(1, b.length() * b.getElementSize())};
    }

    /** True when the native memory of {@code a} and {@code b} overlaps (never for a closed or empty array). */
    public static boolean overlaps(INDArray a, INDArray b) {
        if (a == null || b == null || a.wasClosed() || b.wasClosed() || a.isEmpty() || b.isEmpty()) {
            return false;
        }
        long[] x = range(a.data());
        long[] y = range(b.data());
        return x[0] < y[1] && y[0] < x[1];
    }

    /**
     * Closes {@code a} unless its memory overlaps one of {@code keep} (null entries ignored) or ND4J
     * does not let it be closed (a view, an array attached to a workspace, one already closed).
     * Returns whether it was closed.
     */
    public static boolean closeUnlessShared(INDArray a, INDArray... keep) {
        if (a == null || a.wasClosed() || a.isEmpty() || !a.closeable()) {
            return false;
        }
        for (INDArray k : keep) {
            if (overlaps(a, k)) { // a itself too: it is open and not empty here
                return false;
            }
        }
        a.close();
        return true;
    }
}
