package org.flipstorm.inject;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Which of a run's arrays {@link Scratch} frees, on real ND4J arrays. */
class ScratchTest {

    @Test
    void closesWhatTheRunMadeAndKeepsItsResult() {
        Scratch scratch = new Scratch();
        INDArray temp = scratch.add(Nd4j.rand(DataType.FLOAT, 8, 16));
        INDArray result = scratch.add(Nd4j.rand(DataType.FLOAT, 3, 4));
        float[] before = result.ravel().toFloatVector();
        // Registered twice (an in-place op returns its input): closed once, no error.
        scratch.add(temp);
        assertEquals(1, scratch.release(result));
        assertTrue(temp.wasClosed());
        assertFalse(result.wasClosed());
        assertArrayEquals(before, result.ravel().toFloatVector());
        assertEquals(0, scratch.size());
    }

    @Test
    void keepsAnArrayWhoseViewIsKept() {
        Scratch scratch = new Scratch();
        INDArray base = scratch.add(Nd4j.rand(DataType.FLOAT, 4, 4));
        INDArray rows = base.get(NDArrayIndex.interval(2, 4), NDArrayIndex.all());
        float[] before = rows.ravel().toFloatVector();
        assertEquals(0, scratch.release(rows));
        assertFalse(base.wasClosed());
        assertArrayEquals(before, rows.ravel().toFloatVector());
    }

    @Test
    void leavesViewsToTheCollector() {
        Scratch scratch = new Scratch();
        INDArray base = Nd4j.rand(DataType.FLOAT, 4, 4);
        float[] before = base.ravel().toFloatVector();
        scratch.add(base.get(NDArrayIndex.interval(0, 2), NDArrayIndex.all()));
        scratch.add(null);
        assertEquals(0, scratch.release());
        assertFalse(base.wasClosed());
        assertArrayEquals(before, base.ravel().toFloatVector());
    }

    @Test
    void keepsAnArrayThatSharesMemoryWithAKeptOneUnderAnotherName() {
        Scratch scratch = new Scratch();
        INDArray a = scratch.add(Nd4j.rand(DataType.FLOAT, 2, 6));
        INDArray reshaped = a.reshape('c', 3, 4);
        INDArray other = scratch.add(Nd4j.rand(DataType.FLOAT, 5));
        assertEquals(1, scratch.release(reshaped, null));
        assertFalse(a.wasClosed());
        assertTrue(other.wasClosed());
        assertEquals(12, reshaped.ravel().toFloatVector().length);
    }

    @Test
    void releasesDeadArraysAtOnceUnlessALiveOneSharesThem() {
        Scratch scratch = new Scratch();
        INDArray input = scratch.add(Nd4j.rand(DataType.FLOAT, 2, 8));
        // An activation in place: the consumer's output is its input under another name.
        INDArray inPlace = scratch.add(input.reshape('c', 4, 4));
        INDArray gathered = scratch.add(Nd4j.rand(DataType.FLOAT, 3, 3));
        INDArray notOurs = Nd4j.rand(DataType.FLOAT, 2, 2);
        List<INDArray> dead = new ArrayList<>(List.of(input, gathered, notOurs));
        assertEquals(1, scratch.releaseNow(dead, List.of(inPlace)));
        assertTrue(dead.isEmpty());
        assertTrue(gathered.wasClosed());
        assertFalse(input.wasClosed());
        assertFalse(notOurs.wasClosed());
        assertEquals(16, inPlace.ravel().toFloatVector().length);
        // The input stays registered while its memory is read, and goes at the end of the run
        // (the reshaped name for it is a view, which ND4J does not close).
        assertEquals(2, scratch.size());
        assertEquals(1, scratch.release());
        assertTrue(input.wasClosed());
    }

    @Test
    void aRunKeepsItsResultAndTheCallersBatchAndLeaksNothingWhenItFails() {
        Scratch scratch = new Scratch();
        INDArray batch = scratch.add(Nd4j.rand(DataType.FLOAT, 2, 3));
        INDArray[] temp = new INDArray[1];
        INDArray out = scratch.closingAfter(batch, () -> {
            temp[0] = scratch.add(Nd4j.rand(DataType.FLOAT, 4, 4));
            return scratch.add(temp[0].sum(1));
        });
        assertTrue(temp[0].wasClosed());
        assertFalse(out.wasClosed());
        assertFalse(batch.wasClosed());
        assertEquals(0, scratch.size());

        INDArray[] made = new INDArray[1];
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> scratch.closingAfter(null, () -> {
            made[0] = scratch.add(Nd4j.rand(DataType.FLOAT, 8));
            throw new IllegalStateException("vertex failed");
        }));
        assertEquals("vertex failed", e.getMessage());
        assertTrue(made[0].wasClosed());
        assertEquals(0, scratch.size());
    }
}
