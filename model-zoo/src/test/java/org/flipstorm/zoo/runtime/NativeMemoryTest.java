package org.flipstorm.zoo.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Which arrays {@link NativeMemory} may close, on real ND4J arrays. */
class NativeMemoryTest {
    @Test
    void anArrayAndAViewOfItOverlapTwoArraysDoNot() {
        INDArray a = Nd4j.rand(DataType.FLOAT, 4, 4);
        INDArray rows = a.get(NDArrayIndex.interval(2, 4), NDArrayIndex.all());
        INDArray other = Nd4j.rand(DataType.FLOAT, 4, 4);
        assertTrue(NativeMemory.overlaps(a, rows));
        assertTrue(NativeMemory.overlaps(rows, a));
        assertFalse(NativeMemory.overlaps(a, other));
        assertFalse(NativeMemory.overlaps(a, null));
    }

    @Test
    void closesAnUnsharedArrayKeepsOneAKeptArrayViewsOrIs() {
        INDArray copy = Nd4j.rand(DataType.FLOAT, 8, 8);
        INDArray result = Nd4j.rand(DataType.FLOAT, 8, 8);
        float[] kept = result.ravel().toFloatVector();
        assertTrue(NativeMemory.closeUnlessShared(copy, result));
        assertTrue(copy.wasClosed());
        assertFalse(result.wasClosed());
        assertArrayEquals(kept, result.ravel().toFloatVector());
        // Closed already: nothing to do.
        assertFalse(NativeMemory.closeUnlessShared(copy, result));

        // An in-place op returns its input; a reshape or a slice returns a view of it.
        INDArray inPlace = Nd4j.rand(DataType.FLOAT, 2, 3);
        assertFalse(NativeMemory.closeUnlessShared(inPlace, inPlace));
        INDArray base = Nd4j.rand(DataType.FLOAT, 2, 3);
        INDArray view = base.reshape(3, 2);
        assertFalse(NativeMemory.closeUnlessShared(base, view));
        assertFalse(base.wasClosed());
        // A view itself is never closed: its memory is its parent's.
        assertFalse(NativeMemory.closeUnlessShared(base.get(NDArrayIndex.point(0), NDArrayIndex.all())));
        assertFalse(base.wasClosed());
    }
}
